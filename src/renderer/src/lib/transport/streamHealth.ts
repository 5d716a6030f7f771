import type { StreamHealth } from '../../../../shared/console/domains/environments'

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/**
 * What the operator should know about the live feed's stream, as a sentence, or null when nothing
 * was skipped, cut or reset: the main side counts these instead of dropping them silently.
 */
export function streamHealthSentence(stream: StreamHealth | undefined): string | null {
  if (!stream) return null
  const parts: string[] = []
  if (stream.invalid > 0)
    parts.push(`${plural(stream.invalid, 'unreadable frame', 'unreadable frames')} skipped`)
  if (stream.truncated > 0) {
    parts.push(
      `${plural(stream.truncated, 'event', 'events')} shown with a part nested too deep replaced by a marker`
    )
  }
  if (stream.resets > 0) {
    parts.push(
      `the backend's event log started over ${plural(stream.resets, 'time', 'times')} (resumed from its start)`
    )
  }
  return parts.length > 0 ? `Event stream: ${parts.join('; ')}.` : null
}

/** The short form for a badge: "2 skipped · 1 cut · 1 reset". */
export function streamHealthShort(stream: StreamHealth | undefined): string | null {
  if (!stream) return null
  const parts: string[] = []
  if (stream.invalid > 0) parts.push(`${stream.invalid} skipped`)
  if (stream.truncated > 0) parts.push(`${stream.truncated} cut`)
  if (stream.resets > 0) parts.push(plural(stream.resets, 'reset', 'resets'))
  return parts.length > 0 ? parts.join(' · ') : null
}

/** One line of connection details: frames received, replays dropped, the log's epoch. */
export function streamDetailLine(stream: StreamHealth | undefined): string | null {
  if (!stream) return null
  const epoch = stream.epoch ? `, event log ${stream.epoch}` : ''
  return `Stream: ${plural(stream.frames, 'frame', 'frames')} received, ${plural(stream.duplicates, 'replay', 'replays')} dropped${epoch}`
}

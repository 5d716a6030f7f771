import type { LiveEvent } from '../../../shared/console/domains/live'
import { oneLine } from '../client/backend-error'

/** Data fields worth showing on a tail line, in this order. */
const SUMMARY_FIELDS = [
  'entity_id',
  'mission_id',
  'job_id',
  'attempt_id',
  'from_state',
  'to_state',
  'circuit_id',
  'action_type',
  'severity',
  'message',
  'reason'
] as const

/**
 * One human line per event: time, channel, type, id, then the telling fields. Backend text goes
 * through oneLine, so a hostile payload cannot move the cursor or clear the screen (no control
 * characters or escape sequences reach the terminal) and one event stays one line.
 */
export function formatTailLine(event: LiveEvent): string {
  const time = new Date(event.timestamp * 1000)
  const clock = Number.isNaN(time.getTime()) ? '--:--:--.---' : time.toISOString().slice(11, 23)
  const parts: string[] = []
  for (const field of SUMMARY_FIELDS) {
    const value = event.data[field]
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      parts.push(`${field}=${oneLine(String(value), 120)}`)
    }
  }
  return oneLine(
    `${clock} ${event.channel.padEnd(11)} ${event.event_type.padEnd(24)} ${event.id}  ${parts.join(' ')}`,
    400
  )
}

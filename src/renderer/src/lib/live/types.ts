import type { LiveEvent } from '../../../../shared/console/domains/live'

export type { LiveEvent }

/** Reads a string field of an event's data, or null. */
export function str(data: Record<string, unknown>, key: string): string | null {
  const v = data[key]
  return typeof v === 'string' ? v : null
}

/** Reads a finite number field of an event's data, or null. */
export function num(data: Record<string, unknown>, key: string): number | null {
  const v = data[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

/** Event time in epoch ms (the wire carries Unix seconds as a float). */
export function eventMs(e: LiveEvent): number {
  return Number.isFinite(e.timestamp) ? e.timestamp * 1000 : Date.now()
}

/** Keeps the newest `max` items of `list + added` (added are newer), newest last. */
export function keepLast<T>(list: readonly T[], added: readonly T[], max: number): T[] {
  if (added.length >= max) return added.slice(added.length - max)
  const keep = Math.max(0, max - added.length)
  return list.slice(Math.max(0, list.length - keep)).concat(added)
}

import type { LiveEvent } from './types'

let n = 0

/** A live event as the console delivers it, with a fresh id (`tsSec`: the engine's seconds). */
export function liveEvent(
  channel: LiveEvent['channel'],
  event_type: string,
  data: Record<string, unknown>,
  tsSec = 1_800_000_000
): LiveEvent {
  return { id: `e${++n}`, channel, event_type, timestamp: tsSec, data }
}

import { CHANNELS, type Channel } from '../../shared/neurorail/stream'
import {
  compileStreamFilter,
  matchesStreamFilter,
  type StreamFilter
} from '../../shared/neurorail/stream-filter'

/** A concrete stream channel (not `all`). */
export type StreamChannel = Exclude<Channel, 'all'>

/** Every channel the stream knows, `all` excluded (API §6, plus `signals` from the shared model). */
export const STREAM_CHANNELS: readonly StreamChannel[] = CHANNELS.filter(
  (channel): channel is StreamChannel => channel !== 'all'
)

export type { StreamFilter }
export { matchesStreamFilter as matchesFilter }

/**
 * Builds a filter from the query lists. Unknown channels are dropped as the real backend does; if
 * `all` is among them (or none is left) the channel restriction goes away entirely, which is what
 * removes the real backend's duplicates when `all` is named beside a specific channel.
 */
export function buildFilter(
  channels: string[],
  eventTypes: string[],
  entityIds: string[]
): StreamFilter {
  const known = channels.filter(
    (c) => c === 'all' || (STREAM_CHANNELS as readonly string[]).includes(c)
  )
  return compileStreamFilter({ channels: known, eventTypes, entityIds })
}

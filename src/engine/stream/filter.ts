import { CHANNELS, type Channel } from '../../shared/neurorail/stream'

/** A concrete stream channel (not `all`). */
export type StreamChannel = Exclude<Channel, 'all'>

/** Every channel the stream knows, `all` excluded (API §6, plus `signals` from the shared model). */
export const STREAM_CHANNELS: readonly StreamChannel[] = CHANNELS.filter(
  (channel): channel is StreamChannel => channel !== 'all'
)

/** What one SSE subscriber asked for. `null` sets mean "no restriction". */
export interface StreamFilter {
  channels: ReadonlySet<string> | null
  eventTypes: ReadonlySet<string> | null
  entityIds: ReadonlySet<string> | null
}

/** The data fields an `entity_ids` filter looks at: the real backend's four, plus `entity_id`. */
const ENTITY_FIELDS = ['mission_id', 'plan_id', 'job_id', 'attempt_id', 'entity_id'] as const

/**
 * Builds a filter from the query lists. Unknown channels are dropped as the real backend does; if
 * `all` is among them (or none is left) the channel restriction goes away entirely, which is what
 * removes the real backend's duplicates when `all` is named beside a specific channel.
 */
export function buildFilter(channels: string[], eventTypes: string[], entityIds: string[]): StreamFilter {
  const known = channels.filter((c) => c === 'all' || (STREAM_CHANNELS as readonly string[]).includes(c))
  const channelSet = known.length === 0 || known.includes('all') ? null : new Set(known)
  return {
    channels: channelSet,
    eventTypes: eventTypes.length > 0 ? new Set(eventTypes) : null,
    entityIds: entityIds.length > 0 ? new Set(entityIds) : null
  }
}

/** True when an event passes the filter. `data` is only read when an entity filter is set. */
export function matchesFilter(
  filter: StreamFilter,
  channel: string,
  eventType: string,
  data: () => Record<string, unknown>
): boolean {
  if (filter.channels && !filter.channels.has(channel)) return false
  if (filter.eventTypes && !filter.eventTypes.has(eventType)) return false
  if (filter.entityIds) {
    const d = data()
    for (const field of ENTITY_FIELDS) {
      const v = d[field]
      if (typeof v === 'string' && filter.entityIds.has(v)) return true
    }
    return false
  }
  return true
}

/**
 * Which events one stream subscriber asked for, compiled to sets once so that matching a
 * high-rate stream costs a few lookups per event. Used by the engine's SSE hub and the console's
 * live path alike. `null` means "no restriction".
 */
export interface StreamFilter {
  channels: ReadonlySet<string> | null
  eventTypes: ReadonlySet<string> | null
  entityIds: ReadonlySet<string> | null
}

/** Data fields an entity filter looks at: the real backend's four, `entity_id` and resources. */
export const ENTITY_FILTER_FIELDS = [
  'entity_id',
  'mission_id',
  'plan_id',
  'job_id',
  'attempt_id',
  'resource_uuid'
] as const

/** The lists a subscriber names (the console's LiveFilter has this shape). */
export interface StreamFilterLists {
  channels?: readonly string[]
  eventTypes?: readonly string[]
  entityIds?: readonly string[]
}

/** Compiles filter lists; empty lists and a channel list naming `all` mean "no restriction". */
export function compileStreamFilter(lists: StreamFilterLists | undefined): StreamFilter {
  const channels = lists?.channels ?? []
  return {
    channels: channels.length === 0 || channels.includes('all') ? null : new Set(channels),
    eventTypes: lists?.eventTypes?.length ? new Set(lists.eventTypes) : null,
    entityIds: lists?.entityIds?.length ? new Set(lists.entityIds) : null
  }
}

/**
 * True when an event passes every list the filter names (AND across lists, OR within one).
 * `data` may be a thunk: it is only read when an entity filter is set.
 */
export function matchesStreamFilter(
  filter: StreamFilter,
  channel: string,
  eventType: string,
  data: Record<string, unknown> | (() => Record<string, unknown>)
): boolean {
  if (filter.channels && !filter.channels.has(channel)) return false
  if (filter.eventTypes && !filter.eventTypes.has(eventType)) return false
  if (filter.entityIds) {
    const d = typeof data === 'function' ? data() : data
    for (const field of ENTITY_FILTER_FIELDS) {
      const v = d[field]
      if (typeof v === 'string' && filter.entityIds.has(v)) return true
    }
    return false
  }
  return true
}

/** `matchesStreamFilter` for an event already parsed. */
export function matchesStreamEvent(
  filter: StreamFilter,
  event: { channel: string; event_type: string; data: Record<string, unknown> }
): boolean {
  return matchesStreamFilter(filter, event.channel, event.event_type, event.data)
}

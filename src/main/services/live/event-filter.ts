import type { LiveEvent, LiveFilter } from '../../../shared/console/domains/live'

/** Data fields an entity filter looks at: the real backend's four, `entity_id` and resources. */
const ENTITY_FIELDS = ['entity_id', 'mission_id', 'plan_id', 'job_id', 'attempt_id', 'resource_uuid'] as const

/** A filter compiled to sets once, so matching a high-rate stream costs a few lookups per event. */
export interface CompiledFilter {
  channels: ReadonlySet<string> | null
  eventTypes: ReadonlySet<string> | null
  entityIds: ReadonlySet<string> | null
}

/** Compiles a LiveFilter; empty lists and a channel list naming `all` mean "no restriction". */
export function compileFilter(filter: LiveFilter | undefined): CompiledFilter {
  const channels = filter?.channels ?? []
  return {
    channels: channels.length === 0 || channels.includes('all') ? null : new Set(channels),
    eventTypes: filter?.eventTypes?.length ? new Set(filter.eventTypes) : null,
    entityIds: filter?.entityIds?.length ? new Set(filter.entityIds) : null
  }
}

/** True when the event passes every list the filter names (AND across lists, OR within one). */
export function matchesFilter(filter: CompiledFilter, event: LiveEvent): boolean {
  if (filter.channels && !filter.channels.has(event.channel)) return false
  if (filter.eventTypes && !filter.eventTypes.has(event.event_type)) return false
  if (filter.entityIds) {
    for (const field of ENTITY_FIELDS) {
      const value = event.data[field]
      if (typeof value === 'string' && filter.entityIds.has(value)) return true
    }
    return false
  }
  return true
}

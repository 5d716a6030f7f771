import { entityTypeOfId } from '../../../../shared/neurorail/ids'
import { eventMs, keepLast, str, type LiveEvent } from './types'

/** A lifecycle transition seen on the stream. */
export interface TransitionView {
  id: string
  entityId: string
  entityType: string
  from: string | null
  to: string
  at: number
}

/** Counts per entity type and state, as getLifecycleStats returns them. */
export type StateCounts = Record<string, Record<string, number>>

const KEEP = 300

/** Extracts lifecycle transitions from a batch (event `state_transition`). */
export function transitionsOf(events: readonly LiveEvent[]): TransitionView[] {
  const out: TransitionView[] = []
  for (const e of events) {
    if (e.event_type !== 'state_transition') continue
    const entityId = str(e.data, 'entity_id')
    const to = str(e.data, 'to_state')
    if (!entityId || !to) continue
    out.push({
      id: e.id,
      entityId,
      entityType: str(e.data, 'entity_type') ?? entityTypeOfId(entityId) ?? 'unknown',
      from: str(e.data, 'from_state'),
      to,
      at: eventMs(e)
    })
  }
  return out
}

/** Appends transitions to a bounded recent list (newest last). */
export function appendTransitions(
  list: readonly TransitionView[],
  added: readonly TransitionView[]
): TransitionView[] {
  return added.length ? keepLast(list, added, KEEP) : (list as TransitionView[])
}

/**
 * Applies live transitions to counts loaded from getLifecycleStats: one off the old state, one on
 * the new. A count never drops below zero (the stream may carry entities the snapshot missed).
 */
export function applyTransitions(
  counts: StateCounts,
  added: readonly TransitionView[]
): StateCounts {
  if (added.length === 0) return counts
  // Entity types and states are the stream's strings: kept in prototype-less objects, a name like
  // `__proto__` or `hasOwnProperty` is one more key, not a write into Object.prototype.
  const next: StateCounts = Object.create(null) as StateCounts
  for (const [type, states] of Object.entries(counts)) next[type] = bare(states)
  for (const t of added) {
    const states = (next[t.entityType] ??= bare({}))
    if (t.from) states[t.from] = Math.max(0, (states[t.from] ?? 0) - 1)
    states[t.to] = (states[t.to] ?? 0) + 1
  }
  return next
}

function bare(states: Record<string, number>): Record<string, number> {
  return Object.assign(Object.create(null) as Record<string, number>, states)
}

import { STATE_MACHINES } from '../../../shared/neurorail/state-machines'
import type { LifecycleEntityType } from '../../../shared/neurorail/lifecycle'

/** Active and pending totals of one entity type from per-state counts. */
export interface ActivePending {
  /** In the initial state (mission/job pending, attempt created). */
  pending: number
  /** In a non-terminal state other than the initial one. */
  active: number
  /** All counted entities. */
  total: number
  /** In a terminal failure state (failed*, timeout). */
  failed: number
}

/** Splits per-state counts into pending / active / failed / total using the state machine. */
export function activePending(type: LifecycleEntityType, counts: Record<string, number> | undefined): ActivePending {
  const machine = STATE_MACHINES[type]
  const terminal = new Set<string>(machine.terminal)
  let pending = 0
  let active = 0
  let total = 0
  let failed = 0
  for (const [state, n] of Object.entries(counts ?? {})) {
    total += n
    if (state === machine.initial) pending += n
    else if (!terminal.has(state)) active += n
    if (state.startsWith('failed') || state === 'timeout') failed += n
  }
  return { pending, active, total, failed }
}

/** Non-initial, non-terminal states of an entity type (what "active" means), for captions and links. */
export function activeStates(type: LifecycleEntityType): string[] {
  const m = STATE_MACHINES[type]
  return (m.states as readonly string[]).filter((s) => s !== m.initial && !(m.terminal as readonly string[]).includes(s))
}

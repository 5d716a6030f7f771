import { STATE_MACHINES } from '../../../../shared/neurorail/state-machines'
import type { LifecycleEntityType } from '../../../../shared/neurorail/lifecycle'

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
  /** Jobs failed_mechanical that their agent may still retry (all of them when `givenUp` is unknown). */
  awaitingRetry: number
  /** Waiting in a non-terminal state that nobody will move again (null: the backend cannot tell). */
  givenUp: number | null
}

/**
 * Splits per-state counts into pending / active / failed / total using the state machine. Given-up
 * entities (`givenUp`, per state, from the backend) sit in non-terminal states but are not active:
 * a job whose agent gave up stays failed_mechanical, and counting it as active would say that work
 * is going on when nothing runs.
 */
export function activePending(
  type: LifecycleEntityType,
  counts: Record<string, number> | undefined,
  givenUp: Record<string, number> | null = null
): ActivePending {
  const machine = STATE_MACHINES[type]
  const terminal = new Set<string>(machine.terminal)
  const sum = { pending: 0, active: 0, total: 0, failed: 0, awaitingRetry: 0, givenUp: 0 }
  for (const [state, n] of Object.entries(counts ?? {})) {
    sum.total += n
    // Live counts may run ahead of the backend's given-up figures: never more than are there.
    const gone = terminal.has(state) ? 0 : Math.min(n, givenUp?.[state] ?? 0)
    sum.givenUp += gone
    if (state === machine.initial) sum.pending += n - gone
    else if (!terminal.has(state)) sum.active += n - gone
    if (state === 'failed_mechanical') sum.awaitingRetry += n - gone
    if (state.startsWith('failed') || state === 'timeout') sum.failed += n
  }
  return { ...sum, givenUp: givenUp === null ? null : sum.givenUp }
}

/** Non-initial, non-terminal states of an entity type (what "active" means), for captions and links. */
export function activeStates(type: LifecycleEntityType): string[] {
  const m = STATE_MACHINES[type]
  return (m.states as readonly string[]).filter(
    (s) => s !== m.initial && !(m.terminal as readonly string[]).includes(s)
  )
}

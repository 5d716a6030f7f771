/**
 * The reflex job state machine of API §8 (BRAiN keeps it in memory beside the lifecycle one).
 * It says whether a job may run right now; the lifecycle machine says where the job is in its
 * life. Suspended and throttled are the two states that carry a cooldown.
 */
export const REFLEX_JOB_STATES = [
  'pending',
  'running',
  'suspended',
  'throttled',
  'completed',
  'failed',
  'cancelled'
] as const
export type ReflexJobState = (typeof REFLEX_JOB_STATES)[number]

/** Allowed next states (API §8). Completed, failed and cancelled are terminal. */
export const REFLEX_JOB_TRANSITIONS: Readonly<Record<ReflexJobState, readonly ReflexJobState[]>> = {
  pending: ['running', 'cancelled'],
  running: ['suspended', 'throttled', 'completed', 'failed', 'cancelled'],
  suspended: ['running', 'cancelled'],
  throttled: ['running', 'suspended', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: []
}

/** The states in which a job sits out a cooldown. */
export const COOLDOWN_STATES: readonly ReflexJobState[] = ['suspended', 'throttled']

/** True when `from → to` is allowed by the reflex machine. */
export function canTransition(from: ReflexJobState, to: ReflexJobState): boolean {
  return REFLEX_JOB_TRANSITIONS[from].includes(to)
}

/** True for the three terminal states. */
export function isTerminalReflexState(state: ReflexJobState): boolean {
  return REFLEX_JOB_TRANSITIONS[state].length === 0
}

import type {
  AttemptState,
  JobState,
  LifecycleEntityType,
  LifecycleState,
  LifecycleStateOf,
  MissionState,
  TransitionAction
} from './lifecycle'
import { ATTEMPT_STATES, JOB_STATES, MISSION_STATES, TRANSITION_ACTIONS } from './lifecycle'

/** One lifecycle state machine as data (API §4). */
export interface StateMachine<S extends string> {
  /** The state `create` leads to from no state. */
  readonly initial: S
  readonly states: readonly S[]
  /** Allowed next states; terminal states map to []. */
  readonly transitions: Readonly<Record<S, readonly S[]>>
  readonly terminal: readonly S[]
}

/**
 * A machine from its exits. Every state not in `terminal` lists its next states and a terminal one
 * cannot (the compiler holds both), so "terminal states have no exits" is stated once.
 */
function defineMachine<S extends string, T extends S>(spec: {
  initial: S
  states: readonly S[]
  exits: Readonly<Record<Exclude<S, T>, readonly S[]>>
  terminal: readonly T[]
}): StateMachine<S> {
  // Widened for lookup by any state: terminal states are absent from it and get [].
  const exits = spec.exits as Readonly<Partial<Record<S, readonly S[]>>>
  const transitions = Object.fromEntries(spec.states.map((state) => [state, exits[state] ?? []]))
  return {
    initial: spec.initial,
    states: spec.states,
    transitions: transitions as Record<S, readonly S[]>,
    terminal: spec.terminal
  }
}

const MISSION_MACHINE: StateMachine<MissionState> = defineMachine({
  initial: 'pending',
  states: MISSION_STATES,
  exits: {
    pending: ['planning', 'cancelled'],
    planning: ['planned', 'failed', 'cancelled'],
    planned: ['executing', 'cancelled'],
    executing: ['completed', 'failed', 'timeout', 'cancelled']
  },
  terminal: ['completed', 'failed', 'timeout', 'cancelled']
})

const JOB_MACHINE: StateMachine<JobState> = defineMachine({
  initial: 'pending',
  states: JOB_STATES,
  exits: {
    pending: ['ready', 'cancelled'],
    ready: ['running', 'cancelled'],
    running: ['succeeded', 'failed_mechanical', 'failed_ethical', 'timeout', 'cancelled'],
    // failed_mechanical is the one non-terminal failure: it can be retried.
    failed_mechanical: ['running', 'cancelled']
  },
  terminal: ['succeeded', 'failed_ethical', 'timeout', 'cancelled']
})

const ATTEMPT_MACHINE: StateMachine<AttemptState> = defineMachine({
  initial: 'created',
  states: ATTEMPT_STATES,
  exits: {
    created: ['running'],
    running: ['succeeded', 'failed_timeout', 'failed_resource', 'failed_error']
  },
  terminal: ['succeeded', 'failed_timeout', 'failed_resource', 'failed_error']
})

/** The three lifecycle state machines, keyed by entity type. Plans have none. */
export const STATE_MACHINES: {
  readonly [T in LifecycleEntityType]: StateMachine<LifecycleStateOf[T]>
} = {
  mission: MISSION_MACHINE,
  job: JOB_MACHINE,
  attempt: ATTEMPT_MACHINE
}

/**
 * Action → target state per entity (API §4 action table). A missing cell is an action the real
 * backend answers with 500 (unknown or wrong-entity action). `fail` holds the default target; the
 * metadata-dependent special cases are in FAIL_SPECIAL_CASES and applied by actionTarget().
 */
export const ACTION_TARGETS: {
  readonly [T in LifecycleEntityType]: Readonly<
    Partial<Record<TransitionAction, LifecycleStateOf[T]>>
  >
} = {
  mission: {
    create: 'pending',
    start: 'planning',
    plan_ready: 'planned',
    execute: 'executing',
    complete: 'completed',
    fail: 'failed',
    timeout: 'timeout',
    cancel: 'cancelled'
  },
  job: {
    create: 'pending',
    start: 'running',
    dependencies_met: 'ready',
    complete: 'succeeded',
    fail: 'failed_mechanical',
    timeout: 'timeout',
    cancel: 'cancelled',
    retry: 'running'
  },
  attempt: {
    create: 'created',
    start: 'running',
    complete: 'succeeded',
    fail: 'failed_error',
    timeout: 'failed_timeout'
  }
}

/**
 * The `fail` special cases as data: job fail with `metadata.error_category == "ethical"` →
 * failed_ethical; attempt fail with `metadata.error_code` containing "TIMEOUT" → failed_timeout,
 * else containing "RESOURCE" → failed_resource (checked in this order, case-sensitive like the
 * backend). NR-E codes never contain either word, so `error_code: "NR-E001"` gives failed_error.
 */
export const FAIL_SPECIAL_CASES = {
  job: [{ field: 'error_category', equals: 'ethical', to: 'failed_ethical' }],
  attempt: [
    { field: 'error_code', contains: 'TIMEOUT', to: 'failed_timeout' },
    { field: 'error_code', contains: 'RESOURCE', to: 'failed_resource' }
  ]
} as const

type FailSpecialCase = (typeof FAIL_SPECIAL_CASES)[keyof typeof FAIL_SPECIAL_CASES][number]

function isAction(action: string): action is TransitionAction {
  return (TRANSITION_ACTIONS as readonly string[]).includes(action)
}

/**
 * Target state of `action` for an entity type given the request metadata, or null when the action
 * is unknown or not defined for this entity (the real backend's 500 cells).
 */
export function actionTarget<T extends LifecycleEntityType>(
  type: T,
  action: string,
  metadata: Readonly<Record<string, unknown>> = {}
): LifecycleStateOf[T] | null {
  if (!isAction(action)) return null
  const table = ACTION_TARGETS[type] as Partial<Record<TransitionAction, LifecycleStateOf[T]>>
  const base = table[action]
  if (base === undefined) return null
  if (action === 'fail') {
    const cases: readonly FailSpecialCase[] =
      type in FAIL_SPECIAL_CASES ? FAIL_SPECIAL_CASES[type as keyof typeof FAIL_SPECIAL_CASES] : []
    const special = cases.find((c) => {
      const value = metadata[c.field]
      return 'equals' in c
        ? value === c.equals
        : typeof value === 'string' && value.includes(c.contains)
    })
    if (special) return special.to as LifecycleStateOf[T]
  }
  return base
}

/** True when `state` is a state of this entity's machine. */
export function isStateOf<T extends LifecycleEntityType>(
  type: T,
  state: string
): state is LifecycleStateOf[T] {
  return (STATE_MACHINES[type].states as readonly string[]).includes(state)
}

/**
 * States reachable in one step. From no state (null) only the initial state (via `create`);
 * from a terminal or foreign state, none.
 */
export function allowedTransitions<T extends LifecycleEntityType>(
  type: T,
  state: string | null
): readonly LifecycleStateOf[T][] {
  const machine = STATE_MACHINES[type] as StateMachine<LifecycleStateOf[T]>
  if (state === null) return [machine.initial]
  if (!isStateOf(type, state)) return []
  return machine.transitions[state]
}

/** True for terminal states (no exits). */
export function isTerminalState(type: LifecycleEntityType, state: string): boolean {
  return (STATE_MACHINES[type].terminal as readonly string[]).includes(state)
}

/** Outcome of resolveTransition. */
export type TransitionResolution<S extends LifecycleState = LifecycleState> =
  | { ok: true; from: S | null; to: S }
  | {
      ok: false
      /** unknown_action: the action is not defined for this entity (real backend: 500). not_allowed: NR-E301. */
      reason: 'unknown_action' | 'not_allowed'
      from: S | null
      /** The state the action maps to (null for unknown_action). */
      target: S | null
      /** States reachable from `from`, for NR-E301 `allowed_states`. */
      allowed: readonly S[]
    }

/**
 * Decides a lifecycle transition exactly as the real backend does: map the action (with the fail
 * special cases) to a target state, then check the target is allowed from the current state.
 * `create` is only valid from no state; any other action from no state is not_allowed.
 */
export function resolveTransition<T extends LifecycleEntityType>(
  type: T,
  currentState: string | null,
  action: string,
  metadata: Readonly<Record<string, unknown>> = {}
): TransitionResolution<LifecycleStateOf[T]> {
  const from = currentState !== null && isStateOf(type, currentState) ? currentState : null
  const allowed = allowedTransitions(type, currentState)
  const target = actionTarget(type, action, metadata)
  if (target === null) return { ok: false, reason: 'unknown_action', from, target: null, allowed }
  const permitted =
    currentState === null ? action === 'create' : action !== 'create' && allowed.includes(target)
  if (!permitted) return { ok: false, reason: 'not_allowed', from, target, allowed }
  return { ok: true, from, to: target }
}

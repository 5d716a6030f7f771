import { describe, expect, it } from 'vitest'
import { ATTEMPT_STATES, JOB_STATES, MISSION_STATES, TRANSITION_ACTIONS } from './lifecycle'
import type { LifecycleEntityType } from './lifecycle'
import {
  ACTION_TARGETS,
  STATE_MACHINES,
  actionTarget,
  allowedTransitions,
  isTerminalState,
  resolveTransition
} from './state-machines'

// The expected tables are written out again from API §4 rather than read from STATE_MACHINES, so a
// typo in the data is caught here instead of being confirmed by itself.

const EXPECTED_TRANSITIONS: Record<LifecycleEntityType, Record<string, string[]>> = {
  mission: {
    pending: ['planning', 'cancelled'],
    planning: ['planned', 'failed', 'cancelled'],
    planned: ['executing', 'cancelled'],
    executing: ['completed', 'failed', 'timeout', 'cancelled'],
    completed: [],
    failed: [],
    timeout: [],
    cancelled: []
  },
  job: {
    pending: ['ready', 'cancelled'],
    ready: ['running', 'cancelled'],
    running: ['succeeded', 'failed_mechanical', 'failed_ethical', 'timeout', 'cancelled'],
    failed_mechanical: ['running', 'cancelled'],
    succeeded: [],
    failed_ethical: [],
    timeout: [],
    cancelled: []
  },
  attempt: {
    created: ['running'],
    running: ['succeeded', 'failed_timeout', 'failed_resource', 'failed_error'],
    succeeded: [],
    failed_timeout: [],
    failed_resource: [],
    failed_error: []
  }
}

const EXPECTED_INITIAL = { mission: 'pending', job: 'pending', attempt: 'created' } as const
const EXPECTED_TERMINAL: Record<LifecycleEntityType, string[]> = {
  mission: ['completed', 'failed', 'timeout', 'cancelled'],
  job: ['succeeded', 'failed_ethical', 'timeout', 'cancelled'],
  attempt: ['succeeded', 'failed_timeout', 'failed_resource', 'failed_error']
}
const ALL_STATES = { mission: MISSION_STATES, job: JOB_STATES, attempt: ATTEMPT_STATES }
const TYPES: LifecycleEntityType[] = ['mission', 'job', 'attempt']

/** Action table of §4; null = the real backend's 500 (unknown/wrong-entity action). */
const EXPECTED_ACTIONS: Record<LifecycleEntityType, Record<string, string | null>> = {
  mission: {
    create: 'pending',
    start: 'planning',
    plan_ready: 'planned',
    execute: 'executing',
    dependencies_met: null,
    complete: 'completed',
    fail: 'failed',
    timeout: 'timeout',
    cancel: 'cancelled',
    retry: null
  },
  job: {
    create: 'pending',
    start: 'running',
    plan_ready: null,
    execute: null,
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
    plan_ready: null,
    execute: null,
    dependencies_met: null,
    complete: 'succeeded',
    fail: 'failed_error',
    timeout: 'failed_timeout',
    cancel: null,
    retry: null
  }
}

/** A state from which each mapped action is allowed (null = no state yet). */
const SOURCE_FOR_ACTION: Record<LifecycleEntityType, Record<string, string | null>> = {
  mission: {
    create: null,
    start: 'pending',
    plan_ready: 'planning',
    execute: 'planned',
    complete: 'executing',
    fail: 'executing',
    timeout: 'executing',
    cancel: 'pending'
  },
  job: {
    create: null,
    start: 'ready',
    dependencies_met: 'pending',
    complete: 'running',
    fail: 'running',
    timeout: 'running',
    cancel: 'ready',
    retry: 'failed_mechanical'
  },
  attempt: {
    create: null,
    start: 'created',
    complete: 'running',
    fail: 'running',
    timeout: 'running'
  }
}

describe('state machine data', () => {
  it.each(TYPES)('%s has the states, initial state and terminal states of §4', (type) => {
    const machine = STATE_MACHINES[type]
    expect([...machine.states].sort()).toEqual(Object.keys(EXPECTED_TRANSITIONS[type]).sort())
    expect([...machine.states].sort()).toEqual([...ALL_STATES[type]].sort())
    expect(machine.initial).toBe(EXPECTED_INITIAL[type])
    expect([...machine.terminal].sort()).toEqual([...EXPECTED_TERMINAL[type]].sort())
  })

  it.each(TYPES)('%s: terminal states are exactly the states without exits', (type) => {
    const machine = STATE_MACHINES[type]
    const noExits = machine.states.filter(
      (s) => ((machine.transitions as Record<string, readonly string[]>)[s] ?? []).length === 0
    )
    expect([...noExits].sort()).toEqual([...machine.terminal].sort())
  })

  it.each(TYPES)(
    '%s: every transition target and action target is a state of the machine',
    (type) => {
      const states = STATE_MACHINES[type].states as readonly string[]
      for (const targets of Object.values(STATE_MACHINES[type].transitions) as string[][]) {
        for (const t of targets) expect(states).toContain(t)
      }
      for (const t of Object.values(ACTION_TARGETS[type]) as string[]) expect(states).toContain(t)
    }
  )

  it('plans have no state machine', () => {
    expect(Object.keys(STATE_MACHINES).sort()).toEqual(['attempt', 'job', 'mission'])
    expect('plan' in ACTION_TARGETS).toBe(false)
  })
})

describe('transition rows (§4)', () => {
  const rows = TYPES.flatMap((type) =>
    Object.entries(EXPECTED_TRANSITIONS[type]).map(([from, to]) => ({ type, from, to }))
  )

  it.each(rows)('$type: $from → [$to]', ({ type, from, to }) => {
    expect([...allowedTransitions(type, from)].sort()).toEqual([...to].sort())
    expect(isTerminalState(type, from)).toBe(to.length === 0)
    // Every listed exit is reachable through some action (with metadata where fail needs it).
    for (const target of to) {
      const reachable = TRANSITION_ACTIONS.some((action) =>
        [
          {},
          { error_category: 'ethical' },
          { error_code: 'X_TIMEOUT' },
          { error_code: 'X_RESOURCE' }
        ].some((metadata) => {
          const r = resolveTransition(type, from, action, metadata)
          return r.ok && r.to === target
        })
      )
      expect(reachable, `${type} ${from} → ${target} reachable by an action`).toBe(true)
    }
    // Every state not listed is refused from this row, whatever the action.
    const states = ALL_STATES[type] as readonly string[]
    for (const target of states.filter((s) => !to.includes(s))) {
      for (const action of TRANSITION_ACTIONS) {
        const r = resolveTransition(type, from, action, {})
        if (r.ok) expect(r.to).not.toBe(target)
      }
    }
  })

  it.each(TYPES)('%s: from no state only `create` is allowed, to the initial state', (type) => {
    expect(allowedTransitions(type, null)).toEqual([EXPECTED_INITIAL[type]])
    expect(resolveTransition(type, null, 'create')).toEqual({
      ok: true,
      from: null,
      to: EXPECTED_INITIAL[type]
    })
    const start = resolveTransition(type, null, 'start')
    expect(start).toMatchObject({
      ok: false,
      reason: 'not_allowed',
      allowed: [EXPECTED_INITIAL[type]]
    })
  })

  it.each(TYPES)('%s: `create` is refused once the entity has a state', (type) => {
    const r = resolveTransition(type, EXPECTED_INITIAL[type], 'create')
    expect(r).toMatchObject({ ok: false, reason: 'not_allowed', target: EXPECTED_INITIAL[type] })
  })

  const terminalRows = TYPES.flatMap((type) =>
    EXPECTED_TERMINAL[type].map((state) => ({ type, state }))
  )
  it.each(terminalRows)('$type: terminal $state has no exits for any action', ({ type, state }) => {
    expect(allowedTransitions(type, state)).toEqual([])
    expect(isTerminalState(type, state)).toBe(true)
    for (const action of TRANSITION_ACTIONS) {
      const r = resolveTransition(type, state, action, {
        error_category: 'ethical',
        error_code: 'TIMEOUT'
      })
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.allowed).toEqual([])
    }
  })

  const disallowed = [
    { type: 'mission', from: 'pending', action: 'execute', target: 'executing' },
    { type: 'mission', from: 'pending', action: 'complete', target: 'completed' },
    { type: 'mission', from: 'planning', action: 'execute', target: 'executing' },
    { type: 'mission', from: 'planned', action: 'fail', target: 'failed' },
    { type: 'mission', from: 'planned', action: 'timeout', target: 'timeout' },
    { type: 'mission', from: 'executing', action: 'start', target: 'planning' },
    { type: 'job', from: 'pending', action: 'start', target: 'running' },
    { type: 'job', from: 'pending', action: 'fail', target: 'failed_mechanical' },
    { type: 'job', from: 'ready', action: 'complete', target: 'succeeded' },
    { type: 'job', from: 'running', action: 'dependencies_met', target: 'ready' },
    { type: 'job', from: 'running', action: 'retry', target: 'running' },
    { type: 'job', from: 'failed_mechanical', action: 'complete', target: 'succeeded' },
    { type: 'job', from: 'failed_mechanical', action: 'fail', target: 'failed_mechanical' },
    { type: 'attempt', from: 'created', action: 'complete', target: 'succeeded' },
    { type: 'attempt', from: 'created', action: 'fail', target: 'failed_error' },
    { type: 'attempt', from: 'created', action: 'timeout', target: 'failed_timeout' },
    { type: 'attempt', from: 'running', action: 'start', target: 'running' }
  ] as const
  it.each(disallowed)(
    '$type: $from --$action--> $target is not_allowed',
    ({ type, from, action, target }) => {
      expect(resolveTransition(type, from, action)).toEqual({
        ok: false,
        reason: 'not_allowed',
        from,
        target,
        allowed: EXPECTED_TRANSITIONS[type][from]
      })
    }
  )

  it('a state foreign to the entity allows nothing', () => {
    expect(allowedTransitions('attempt', 'ready')).toEqual([])
    expect(resolveTransition('attempt', 'ready', 'start')).toMatchObject({
      ok: false,
      reason: 'not_allowed',
      allowed: []
    })
  })
})

describe('action mapping (§4), every action × entity cell', () => {
  const cells = TYPES.flatMap((type) =>
    TRANSITION_ACTIONS.map((action) => ({
      type,
      action,
      expected: EXPECTED_ACTIONS[type][action] ?? null
    }))
  )
  it('covers all 30 cells', () => expect(cells).toHaveLength(30))

  it.each(cells)('$type × $action → $expected', ({ type, action, expected }) => {
    expect(actionTarget(type, action)).toBe(expected)
    if (expected === null) {
      // The real backend answers 500 here; we report unknown_action with the allowed list.
      for (const from of [null, ...ALL_STATES[type]]) {
        const r = resolveTransition(type, from, action)
        expect(r).toEqual({
          ok: false,
          reason: 'unknown_action',
          from,
          target: null,
          allowed: allowedTransitions(type, from)
        })
      }
    } else {
      const from = SOURCE_FOR_ACTION[type][action] ?? null
      expect(resolveTransition(type, from, action)).toEqual({ ok: true, from, to: expected })
    }
  })

  it('unknown action names are unknown_action for every entity', () => {
    for (const type of TYPES) {
      for (const action of ['explode', '', 'CREATE', 'resume', 'suspend']) {
        expect(resolveTransition(type, 'running', action)).toMatchObject({
          ok: false,
          reason: 'unknown_action'
        })
      }
    }
  })
})

describe('fail special cases', () => {
  const jobCases = [
    { metadata: { error_category: 'ethical' }, to: 'failed_ethical' },
    { metadata: { error_category: 'mechanical' }, to: 'failed_mechanical' },
    { metadata: { error_category: 'system' }, to: 'failed_mechanical' },
    { metadata: { error_category: 'Ethical' }, to: 'failed_mechanical' },
    { metadata: { error_code: 'EXEC_TIMEOUT' }, to: 'failed_mechanical' },
    { metadata: {}, to: 'failed_mechanical' },
    { metadata: undefined, to: 'failed_mechanical' }
  ] as const
  it.each(jobCases)('job fail with $metadata → $to', ({ metadata, to }) => {
    expect(resolveTransition('job', 'running', 'fail', metadata)).toEqual({
      ok: true,
      from: 'running',
      to
    })
  })

  it('job fail ethical from a state that cannot reach failed_ethical is not_allowed', () => {
    expect(
      resolveTransition('job', 'failed_mechanical', 'fail', { error_category: 'ethical' })
    ).toMatchObject({
      ok: false,
      reason: 'not_allowed',
      target: 'failed_ethical',
      allowed: ['running', 'cancelled']
    })
  })

  const attemptCases = [
    { metadata: { error_code: 'EXEC_TIMEOUT' }, to: 'failed_timeout' },
    { metadata: { error_code: 'TIMEOUT' }, to: 'failed_timeout' },
    { metadata: { error_code: 'RESOURCE_EXHAUSTED' }, to: 'failed_resource' },
    { metadata: { error_code: 'OUT_OF_RESOURCE' }, to: 'failed_resource' },
    { metadata: { error_code: 'RESOURCE_TIMEOUT' }, to: 'failed_timeout' },
    { metadata: { error_code: 'NR-E001' }, to: 'failed_error' },
    { metadata: { error_code: 'NR-E100' }, to: 'failed_error' },
    { metadata: { error_code: 'timeout' }, to: 'failed_error' },
    { metadata: { error_code: 42 }, to: 'failed_error' },
    { metadata: { error_category: 'ethical' }, to: 'failed_error' },
    { metadata: {}, to: 'failed_error' }
  ] as const
  it.each(attemptCases)('attempt fail with $metadata → $to', ({ metadata, to }) => {
    expect(resolveTransition('attempt', 'running', 'fail', metadata)).toEqual({
      ok: true,
      from: 'running',
      to
    })
  })

  it('mission fail ignores metadata', () => {
    for (const metadata of [{ error_category: 'ethical' }, { error_code: 'EXEC_TIMEOUT' }, {}]) {
      expect(resolveTransition('mission', 'executing', 'fail', metadata)).toEqual({
        ok: true,
        from: 'executing',
        to: 'failed'
      })
    }
  })

  it('attempt timeout action always gives failed_timeout', () => {
    expect(
      resolveTransition('attempt', 'running', 'timeout', { error_code: 'RESOURCE' })
    ).toMatchObject({
      ok: true,
      to: 'failed_timeout'
    })
  })
})

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

// The expected tables are API §4's own text, parsed here rather than read from STATE_MACHINES, so a
// typo in the data is caught here instead of being confirmed by itself.

/** §4 state table, row for row: `∅→initial; state→next, next; …; terminal: …`. */
const SPEC_MACHINES: Record<LifecycleEntityType, string> = {
  mission:
    '∅→pending; pending→planning, cancelled; planning→planned, failed, cancelled; ' +
    'planned→executing, cancelled; executing→completed, failed, timeout, cancelled; ' +
    'terminal: completed, failed, timeout, cancelled',
  job:
    '∅→pending; pending→ready, cancelled; ready→running, cancelled; ' +
    'running→succeeded, failed_mechanical, failed_ethical, timeout, cancelled; ' +
    'failed_mechanical→running, cancelled; ' +
    'terminal: succeeded, failed_ethical, timeout, cancelled',
  attempt:
    '∅→created; created→running; ' +
    'running→succeeded, failed_timeout, failed_resource, failed_error; ' +
    'terminal: succeeded, failed_timeout, failed_resource, failed_error'
}

/** A row of the §4 action table; null = the real backend's 500 (unknown or wrong-entity action). */
type ActionRow = readonly [action: string, mission: Target, job: Target, attempt: Target]
type Target = string | null

/** §4 action table, row for row (`fail` without metadata). */
const SPEC_ACTIONS: readonly ActionRow[] = [
  ['create', 'pending', 'pending', 'created'],
  ['start', 'planning', 'running', 'running'],
  ['plan_ready', 'planned', null, null],
  ['execute', 'executing', null, null],
  ['dependencies_met', null, 'ready', null],
  ['complete', 'completed', 'succeeded', 'succeeded'],
  ['fail', 'failed', 'failed_mechanical', 'failed_error'],
  ['timeout', 'timeout', 'timeout', 'failed_timeout'],
  ['cancel', 'cancelled', 'cancelled', null],
  ['retry', null, 'running', null]
]

const TYPES: LifecycleEntityType[] = ['mission', 'job', 'attempt']
const ALL_STATES = { mission: MISSION_STATES, job: JOB_STATES, attempt: ATTEMPT_STATES }

function parseSpecMachine(row: string) {
  const list = (text: string) => text.split(',').map((s) => s.trim())
  let initial = ''
  let terminal: string[] = []
  const transitions: Record<string, string[]> = {}
  for (const part of row.split(';').map((p) => p.trim())) {
    const [from = '', to = ''] = part.split('→')
    if (part.startsWith('terminal:')) terminal = list(part.slice('terminal:'.length))
    else if (from === '∅') initial = to
    else transitions[from] = list(to)
  }
  for (const state of terminal) transitions[state] = []
  return { initial, terminal, transitions }
}

type SpecMachine = ReturnType<typeof parseSpecMachine>
const SPEC = Object.fromEntries(
  TYPES.map((type) => [type, parseSpecMachine(SPEC_MACHINES[type])])
) as Record<LifecycleEntityType, SpecMachine>

/** Target of `action` for `type` in the §4 action table (null = 500). */
function expectedAction(type: LifecycleEntityType, action: string): string | null {
  const row = SPEC_ACTIONS.find(([name]) => name === action)
  return row ? (row[TYPES.indexOf(type) + 1] ?? null) : null
}

describe('state machine data', () => {
  it('reads §4 into tables that cover every state and action', () => {
    expect(SPEC.mission.transitions.executing).toEqual([
      'completed',
      'failed',
      'timeout',
      'cancelled'
    ])
    expect(SPEC.attempt.transitions.failed_error).toEqual([])
    expect(TYPES.map((type) => SPEC[type].initial)).toEqual(['pending', 'pending', 'created'])
    expect(SPEC_ACTIONS.map(([action]) => action)).toEqual([...TRANSITION_ACTIONS])
  })

  it.each(TYPES)('%s has the states, initial state and terminal states of §4', (type) => {
    const machine = STATE_MACHINES[type]
    expect([...machine.states].sort()).toEqual(Object.keys(SPEC[type].transitions).sort())
    expect([...machine.states].sort()).toEqual([...ALL_STATES[type]].sort())
    expect(machine.initial).toBe(SPEC[type].initial)
    expect([...machine.terminal].sort()).toEqual([...SPEC[type].terminal].sort())
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
    Object.entries(SPEC[type].transitions).map(([from, to]) => ({ type, from, to }))
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
    expect(allowedTransitions(type, null)).toEqual([SPEC[type].initial])
    expect(resolveTransition(type, null, 'create')).toEqual({
      ok: true,
      from: null,
      to: SPEC[type].initial
    })
    const start = resolveTransition(type, null, 'start')
    expect(start).toMatchObject({
      ok: false,
      reason: 'not_allowed',
      allowed: [SPEC[type].initial]
    })
  })

  it.each(TYPES)('%s: `create` is refused once the entity has a state', (type) => {
    const r = resolveTransition(type, SPEC[type].initial, 'create')
    expect(r).toMatchObject({ ok: false, reason: 'not_allowed', target: SPEC[type].initial })
  })

  const terminalRows = TYPES.flatMap((type) =>
    SPEC[type].terminal.map((state) => ({ type, state }))
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
        allowed: SPEC[type].transitions[from]
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
      expected: expectedAction(type, action)
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
      // Allowed from every state whose §4 exits include the target (`create`: from no state).
      const transitions = SPEC[type].transitions
      const sources =
        action === 'create'
          ? [null]
          : Object.keys(transitions).filter((s) => transitions[s]?.includes(expected))
      expect(sources.length).toBeGreaterThan(0)
      for (const from of sources) {
        expect(resolveTransition(type, from, action)).toEqual({ ok: true, from, to: expected })
      }
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
  // [entity, metadata, target]; fail from `running` (mission: from `executing`).
  const failCases = [
    ['job', { error_category: 'ethical' }, 'failed_ethical'],
    ['job', { error_category: 'mechanical' }, 'failed_mechanical'],
    ['job', { error_category: 'system' }, 'failed_mechanical'],
    ['job', { error_category: 'Ethical' }, 'failed_mechanical'],
    ['job', { error_code: 'EXEC_TIMEOUT' }, 'failed_mechanical'],
    ['job', {}, 'failed_mechanical'],
    ['job', undefined, 'failed_mechanical'],
    ['attempt', { error_code: 'EXEC_TIMEOUT' }, 'failed_timeout'],
    ['attempt', { error_code: 'TIMEOUT' }, 'failed_timeout'],
    ['attempt', { error_code: 'RESOURCE_EXHAUSTED' }, 'failed_resource'],
    ['attempt', { error_code: 'OUT_OF_RESOURCE' }, 'failed_resource'],
    ['attempt', { error_code: 'RESOURCE_TIMEOUT' }, 'failed_timeout'],
    ['attempt', { error_code: 'NR-E001' }, 'failed_error'],
    ['attempt', { error_code: 'NR-E100' }, 'failed_error'],
    ['attempt', { error_code: 'timeout' }, 'failed_error'],
    ['attempt', { error_code: 42 }, 'failed_error'],
    ['attempt', { error_category: 'ethical' }, 'failed_error'],
    ['attempt', {}, 'failed_error'],
    // Mission fail ignores metadata.
    ['mission', { error_category: 'ethical' }, 'failed'],
    ['mission', { error_code: 'EXEC_TIMEOUT' }, 'failed'],
    ['mission', {}, 'failed']
  ] as const
  it.each(failCases)('%s fail with %o → %s', (type, metadata, to) => {
    const from = type === 'mission' ? 'executing' : 'running'
    expect(resolveTransition(type, from, 'fail', metadata)).toEqual({ ok: true, from, to })
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

  it('attempt timeout action always gives failed_timeout', () => {
    expect(
      resolveTransition('attempt', 'running', 'timeout', { error_code: 'RESOURCE' })
    ).toMatchObject({
      ok: true,
      to: 'failed_timeout'
    })
  })
})

import { describe, expect, it } from 'vitest'
import {
  AuditQueryResponseSchema,
  EntityStateResponseSchema,
  HistoryResponseSchema,
  InvalidTransitionDetailsSchema,
  LifecycleStatsSchema,
  NeuroRailErrorSchema,
  StateTransitionEventSchema
} from '../../shared/neurorail'
import { createChain, startTestEngine } from '../testing/harness'
import { suiteEngine } from '../testing/suite'

describe('lifecycle routes', () => {
  const t = suiteEngine()

  const go = (
    type: string,
    id: string,
    transition: string,
    metadata: Record<string, unknown> = {}
  ) => t.api('POST', `/lifecycle/${type}/${id}/transition`, { entity_id: id, transition, metadata })
  type Step = [string, string] | [string, string, Record<string, unknown>]
  const walk = async (type: string, id: string, steps: Step[]) => {
    for (const [action, expected, md] of steps) {
      const res = await go(type, id, action, md)
      expect(res.status, `${type} ${action}`).toBe(200)
      expect(StateTransitionEventSchema.parse(res.body).to_state, `${type} ${action}`).toBe(
        expected
      )
    }
  }

  // The openings of §4's machines, each the expected state after the action.
  const MISSION_PLANNING: Step[] = [
    ['create', 'pending'],
    ['start', 'planning']
  ]
  const JOB_READY: Step[] = [
    ['create', 'pending'],
    ['dependencies_met', 'ready']
  ]
  const JOB_RUNNING: Step[] = [...JOB_READY, ['start', 'running']]
  const ATTEMPT_RUNNING: Step[] = [
    ['create', 'created'],
    ['start', 'running']
  ]

  // Paths through §4's mission and job machines, each walked by a fresh entity.
  it.each<[string, 'mission' | 'job', Step[]]>([
    [
      'mission to completed',
      'mission',
      [
        ...MISSION_PLANNING,
        ['plan_ready', 'planned'],
        ['execute', 'executing'],
        ['complete', 'completed']
      ]
    ],
    ['mission to failed', 'mission', [...MISSION_PLANNING, ['fail', 'failed']]],
    [
      'mission to cancelled',
      'mission',
      [
        ['create', 'pending'],
        ['cancel', 'cancelled']
      ]
    ],
    [
      'job through the retry loop to the ethical fail case',
      'job',
      [
        ...JOB_RUNNING,
        ['fail', 'failed_mechanical'],
        ['retry', 'running'],
        ['fail', 'failed_ethical', { error_category: 'ethical' }]
      ]
    ],
    ['job to timeout', 'job', [...JOB_RUNNING, ['timeout', 'timeout']]]
  ])('runs the machine of §4: %s', async (_, type, steps) => {
    const c = await createChain(t)
    await walk(type, type === 'mission' ? c.missionId : c.jobId, steps)
  })

  it('maps attempt fail by error_code as the real backend does', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ error_code: 'EXEC_TIMEOUT' }, 'failed_timeout'],
      [{ error_code: 'RESOURCE_EXHAUSTED' }, 'failed_resource'],
      [{ error_code: 'NR-E001' }, 'failed_error'],
      [{}, 'failed_error']
    ]
    for (const [md, expected] of cases) {
      // Own job type: five failures in a row open that type's circuit breaker (governance).
      const c = await createChain(t, 'fail_mapping')
      await walk('attempt', c.attemptId, [...ATTEMPT_RUNNING, ['fail', expected, md]])
    }
    const c = await createChain(t)
    await walk('attempt', c.attemptId, [...ATTEMPT_RUNNING, ['timeout', 'failed_timeout']])
  })

  it('answers NR-E301 (400, object detail) for illegal and undefined actions', async () => {
    const c = await createChain(t)
    const first = await go('job', c.jobId, 'start')
    expect(first.status).toBe(400)
    const err = NeuroRailErrorSchema.parse(first.body.detail)
    expect(err.code).toBe('NR-E301')
    const details = InvalidTransitionDetailsSchema.parse(err.details)
    expect(details).toMatchObject({
      entity_type: 'job',
      entity_id: c.jobId,
      current_state: null,
      target_state: 'running',
      allowed_states: ['pending']
    })

    await walk('attempt', c.attemptId, [...ATTEMPT_RUNNING, ['complete', 'succeeded']])
    const terminal = await go('attempt', c.attemptId, 'fail')
    expect(terminal.status).toBe(400)
    expect(terminal.body.detail.details.allowed_states).toEqual([])
    expect((await go('attempt', c.attemptId, 'create')).status).toBe(400)

    await go('mission', c.missionId, 'create')
    const undefinedAction = await go('mission', c.missionId, 'retry')
    expect(undefinedAction.status).toBe(400)
    expect(undefinedAction.body.detail.code).toBe('NR-E301')
    expect(undefinedAction.body.detail.details.reason).toBe('unknown_action')

    const unknownName = await go('mission', c.missionId, 'explode')
    expect(unknownName.status).toBe(422)
  })

  it('rejects plans and unknown types with 400 and unknown entities with 404', async () => {
    const c = await createChain(t)
    expect((await go('plan', c.planId, 'create')).status).toBe(400)
    expect((await t.api('GET', `/lifecycle/plan/${c.planId}/state`)).status).toBe(400)
    const missing = await go('job', 'j_abcdefabcdef', 'create')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ detail: 'Job j_abcdefabcdef not found' })
  })

  it('reports state (404 before any transition) and history oldest first', async () => {
    const c = await createChain(t)
    expect((await t.api('GET', `/lifecycle/job/${c.jobId}/state`)).status).toBe(404)
    const events = []
    for (const a of ['create', 'dependencies_met', 'start'])
      events.push(StateTransitionEventSchema.parse((await go('job', c.jobId, a)).body))
    const state = EntityStateResponseSchema.parse(
      (await t.api('GET', `/lifecycle/job/${c.jobId}/state`)).body
    )
    expect(state.current_state).toBe('running')
    expect(state.updated_at).toBe(events[2]!.timestamp)
    expect(state.metadata.allowed_transitions).toEqual([
      'succeeded',
      'failed_mechanical',
      'failed_ethical',
      'timeout',
      'cancelled'
    ])

    const history = HistoryResponseSchema.parse(
      (await t.api('GET', `/lifecycle/job/${c.jobId}/history`)).body
    )
    expect(history.total_transitions).toBe(3)
    expect(history.transitions.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id))
    expect(history.transitions[0]!.from_state).toBeNull()
    const limited = HistoryResponseSchema.parse(
      (await t.api('GET', `/lifecycle/job/${c.jobId}/history?limit=2`)).body
    )
    expect(limited.transitions).toHaveLength(2)
    expect(limited.total_transitions).toBe(3)
    expect((await t.api('GET', `/lifecycle/job/${c.jobId}/history?limit=0`)).status).toBe(422)
    // Empty history of an existing entity is a 200, not the real backend's 500.
    const fresh = await createChain(t)
    expect(
      HistoryResponseSchema.parse(
        (await t.api('GET', `/lifecycle/attempt/${fresh.attemptId}/history`)).body
      ).total_transitions
    ).toBe(0)
  })

  it('gives unique evt_ ids even within one second', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 10; i++) {
      const c = await createChain(t)
      const res = await go('mission', c.missionId, 'create')
      expect(res.body.event_id).toMatch(/^evt_\d{14}_\d+$/)
      ids.add(res.body.event_id)
    }
    expect(ids.size).toBe(10)
  })

  it('writes the audit event and the stream event in the transition transaction', async () => {
    const c = await createChain(t)
    const before = t.engine.services.events.lastId()
    const ev = StateTransitionEventSchema.parse((await go('job', c.jobId, 'create')).body)
    const audit = AuditQueryResponseSchema.parse(
      (await t.api('POST', '/audit/query', { job_id: c.jobId })).body
    )
    expect(audit.events).toHaveLength(1)
    expect(audit.events[0]).toMatchObject({
      event_type: 'state_transition',
      caused_by_event: ev.event_id,
      mission_id: c.missionId,
      plan_id: c.planId
    })
    const logged = t.engine.services.events.readAfter(before, 10)
    expect(logged.map((e) => e.channel).sort()).toEqual(['audit', 'lifecycle'])
  })

  it('lets guards refuse a transition before anything is written, and notifies listeners after commit', async () => {
    const c = await createChain(t)
    const seen: string[] = []
    const offListener = t.engine.services.lifecycle.onTransition((e) =>
      seen.push(`${e.entity_id}:${e.to_state}`)
    )
    const offGuard = t.engine.services.lifecycle.addGuard((ctx) =>
      ctx.entityId === c.jobId && ctx.toState === 'running'
        ? { code: 'NR-E102', message: 'Parallelism budget exceeded', details: { limit: 1 } }
        : undefined
    )
    try {
      await walk('job', c.jobId, JOB_READY)
      const lastEvent = t.engine.services.events.lastId()
      const refused = await go('job', c.jobId, 'start')
      expect(refused.status).toBe(429)
      const err = NeuroRailErrorSchema.parse(refused.body.detail)
      expect(err).toMatchObject({ code: 'NR-E102', retriable: true, details: { limit: 1 } })
      expect(t.engine.services.events.lastId()).toBe(lastEvent)
      const history = HistoryResponseSchema.parse(
        (await t.api('GET', `/lifecycle/job/${c.jobId}/history`)).body
      )
      expect(history.total_transitions).toBe(2)
      expect(seen).toEqual([`${c.jobId}:pending`, `${c.jobId}:ready`])
    } finally {
      offGuard()
      offListener()
    }
    expect((await go('job', c.jobId, 'start')).status).toBe(200)
  })

  it('counts states and transitions in /lifecycle/stats', async () => {
    const fresh = await startTestEngine()
    try {
      const c = await createChain(fresh)
      for (const a of ['create', 'start'])
        await fresh.api('POST', `/lifecycle/attempt/${c.attemptId}/transition`, { transition: a })
      await fresh.api('POST', `/lifecycle/job/${c.jobId}/transition`, { transition: 'create' })
      const stats = LifecycleStatsSchema.parse((await fresh.api('GET', '/lifecycle/stats')).body)
      expect(stats.states).toEqual({ mission: {}, job: { pending: 1 }, attempt: { running: 1 } })
      expect(stats.transitions).toContainEqual({
        entity_type: 'attempt',
        from_state: 'created',
        to_state: 'running',
        count: 1
      })
      expect(stats.transitions.reduce((n, x) => n + x.count, 0)).toBe(3)
    } finally {
      await fresh.stop()
    }
  })
})

describe('concurrency', () => {
  it('keeps every history row of 50 concurrent clients, with none lost or duplicated', async () => {
    const t = await startTestEngine()
    try {
      const chains = await Promise.all(Array.from({ length: 50 }, () => createChain(t)))
      const steps = ['create', 'dependencies_met', 'start', 'fail', 'retry', 'complete']
      await Promise.all(
        chains.map(async (c) => {
          for (const s of steps) {
            const res = await t.api('POST', `/lifecycle/job/${c.jobId}/transition`, {
              transition: s
            })
            expect(res.status).toBe(200)
          }
        })
      )
      // 50 clients race to create the same mission: exactly one wins.
      const target = chains[0]!.missionId
      const race = await Promise.all(
        chains.map(() =>
          t.api('POST', `/lifecycle/mission/${target}/transition`, { transition: 'create' })
        )
      )
      expect(race.filter((r) => r.status === 200)).toHaveLength(1)
      expect(race.filter((r) => r.status === 400)).toHaveLength(49)

      const ids = new Set<string>()
      for (const c of chains) {
        const h = HistoryResponseSchema.parse(
          (await t.api('GET', `/lifecycle/job/${c.jobId}/history`)).body
        )
        expect(h.transitions.map((e) => e.transition)).toEqual(steps)
        for (const e of h.transitions) ids.add(e.event_id)
      }
      expect(ids.size).toBe(50 * steps.length)
      const db = t.engine.services.store.db
      expect(
        (
          db.prepare("SELECT COUNT(*) AS n FROM transitions WHERE entity_type = 'job'").get() as {
            n: number
          }
        ).n
      ).toBe(300)
      expect(
        (
          db.prepare('SELECT COUNT(*) AS n FROM transitions WHERE entity_id = ?').get(target) as {
            n: number
          }
        ).n
      ).toBe(1)
    } finally {
      await t.stop()
    }
  })
})

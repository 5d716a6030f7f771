import { describe, expect, it } from 'vitest'
import {
  AuditQueryResponseSchema,
  CapabilitiesSchema,
  HistoryResponseSchema,
  NeuroRailErrorSchema,
  StateTransitionEventSchema
} from '../../shared/neurorail'
import { createChain } from '../testing/harness'
import { suiteEngine } from '../testing/suite'

describe('lifecycle batch extensions (lifecycle_batch, create_transitions)', () => {
  // Governance (budgets, guards) is attached by its route module, as in a real engine.
  const t = suiteEngine()

  const batch = (transitions: unknown[]) => t.api('POST', '/lifecycle/batch', { transitions })
  /** One batch item; `extra` adds metadata or caused_by. */
  const item = (
    type: string,
    id: string,
    transition: string,
    extra: Record<string, unknown> = {}
  ) => ({
    entity_type: type,
    entity_id: id,
    transition,
    ...extra
  })
  /** The `transitions` of a create: actions only. */
  const steps = (...actions: string[]) => actions.map((transition) => ({ transition }))

  it('lists both features in /capabilities', async () => {
    const caps = CapabilitiesSchema.parse((await t.api('GET', '/capabilities')).body)
    expect(caps.features).toEqual(
      expect.arrayContaining(['lifecycle_batch', 'create_transitions', 'create_job_attempt'])
    )
  })

  it('applies a batch in order, with the same history, audit and stream rows as single calls', async () => {
    const c = await createChain(t)
    const res = await batch([
      item('job', c.jobId, 'create'),
      item('job', c.jobId, 'dependencies_met', { metadata: { why: 'batch' } }),
      item('job', c.jobId, 'start'),
      item('attempt', c.attemptId, 'create'),
      item('attempt', c.attemptId, 'start', { caused_by: 'agent-1' })
    ])
    expect(res.status).toBe(200)
    expect(res.body.applied).toBe(5)
    expect(res.body.skipped).toBe(0)
    const events = (res.body.results as Array<{ status: number; body: unknown }>).map((r) => {
      expect(r.status).toBe(200)
      return StateTransitionEventSchema.parse(r.body)
    })
    expect(events.map((e) => e.to_state)).toEqual([
      'pending',
      'ready',
      'running',
      'created',
      'running'
    ])
    expect(events[1]?.metadata).toEqual({ why: 'batch' })
    expect(events[4]?.caused_by).toBe('agent-1')

    const history = HistoryResponseSchema.parse(
      (await t.api('GET', `/lifecycle/job/${c.jobId}/history`)).body
    )
    expect(history.transitions.map((e) => e.event_id)).toEqual(
      events.slice(0, 3).map((e) => e.event_id)
    )
    const audit = AuditQueryResponseSchema.parse(
      (
        await t.api('POST', '/audit/query', {
          job_id: c.jobId,
          event_type: 'state_transition',
          limit: 50
        })
      ).body
    )
    // Newest first; the details are the transition's, metadata included.
    expect(audit.events).toHaveLength(5)
    expect(audit.events.find((e) => e.caused_by_event === events[1]?.event_id)?.details).toEqual({
      entity_type: 'job',
      entity_id: c.jobId,
      from_state: 'pending',
      to_state: 'ready',
      transition: 'dependencies_met',
      metadata: { why: 'batch' }
    })
  })

  it('stops at the first refusal: earlier items stay applied, the refusal is the single call’s answer, the rest is skipped', async () => {
    const c = await createChain(t)
    const res = await batch([
      item('attempt', c.attemptId, 'create'),
      item('attempt', c.attemptId, 'complete'),
      item('attempt', c.attemptId, 'start')
    ])
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ applied: 1, skipped: 1 })
    expect(res.body.results).toHaveLength(2)
    const refused = res.body.results[1] as { status: number; body: { detail: unknown } }
    expect(refused.status).toBe(400)
    expect(NeuroRailErrorSchema.parse(refused.body.detail).code).toBe('NR-E301')
    expect((await t.api('GET', `/lifecycle/attempt/${c.attemptId}/state`)).body.current_state).toBe(
      'created'
    )

    const missing = await batch([item('job', 'j_000000000000', 'create')])
    expect(missing.body.results[0]).toEqual({
      status: 404,
      body: { detail: 'Job j_000000000000 not found' }
    })
  })

  it('answers 422 for an invalid batch and applies nothing', async () => {
    const c = await createChain(t)
    const res = await batch([item('job', c.jobId, 'create'), item('plan', c.planId, 'create')])
    expect(res.status).toBe(422)
    expect(res.body.detail[0].loc).toEqual(['body', 'transitions', 1, 'entity_type'])
    expect((await t.api('GET', `/lifecycle/job/${c.jobId}/state`)).status).toBe(404)
    expect((await batch([])).status).toBe(422)
  })

  it('creates a job and an attempt with their first transitions in one request each', async () => {
    const c = await createChain(t)
    const job = await t.api('POST', '/identity/job', {
      plan_id: c.planId,
      job_type: 'llm_call',
      transitions: steps('create', 'dependencies_met', 'start')
    })
    expect(job.status).toBe(201)
    expect(job.body.job_id).toMatch(/^j_/)
    expect(job.body.lifecycle).toMatchObject({ applied: 3, skipped: 0 })
    expect((await t.api('GET', `/lifecycle/job/${job.body.job_id}/state`)).body.current_state).toBe(
      'running'
    )

    const attempt = await t.api('POST', '/identity/attempt', {
      job_id: job.body.job_id,
      attempt_number: 1,
      transitions: steps('create', 'start')
    })
    expect(attempt.status).toBe(201)
    expect(
      attempt.body.lifecycle.results.map((r: { body: { to_state: string } }) => r.body.to_state)
    ).toEqual(['created', 'running'])

    // Without `transitions` the answer is the plain record, as on the real backend.
    const plain = await t.api('POST', '/identity/job', { plan_id: c.planId, job_type: 'llm_call' })
    expect(plain.body.lifecycle).toBeUndefined()
    // A bad transitions list is refused before anything is created.
    const bad = await t.api('POST', '/identity/job', {
      plan_id: c.planId,
      job_type: 'llm_call',
      transitions: steps('fly')
    })
    expect(bad.status).toBe(422)
    expect(bad.body.detail[0].loc).toEqual(['body', 'transitions', 0, 'transition'])
  })

  it('creates a job with its first attempt in one request (create_job_attempt)', async () => {
    const c = await createChain(t)
    const walk = steps('create', 'dependencies_met', 'start')
    const res = await t.api('POST', '/identity/job', {
      plan_id: c.planId,
      job_type: 'llm_call',
      transitions: walk,
      attempt: { transitions: steps('create', 'start') }
    })
    expect(res.status).toBe(201)
    expect(res.body.lifecycle.applied).toBe(3)
    expect(res.body.attempt).toMatchObject({
      job_id: res.body.job_id,
      attempt_number: 1,
      lifecycle: { applied: 2, skipped: 0 }
    })
    expect(
      (await t.api('GET', `/lifecycle/attempt/${res.body.attempt.attempt_id}/state`)).body
        .current_state
    ).toBe('running')
    const metrics = await t.api('GET', `/telemetry/metrics/${res.body.job_id}`)
    expect(metrics.body.attempt_count).toBe(1)

    // A job transition that fails means no attempt, as separate calls would have stopped there.
    const stopped = await t.api('POST', '/identity/job', {
      plan_id: c.planId,
      job_type: 'llm_call',
      transitions: steps('create', 'start'),
      attempt: { transitions: steps('create') }
    })
    expect(stopped.status).toBe(201)
    expect(stopped.body.lifecycle).toMatchObject({ applied: 1, skipped: 0 })
    expect(stopped.body.attempt).toBeNull()
    const page = await t.api('GET', `/identity/attempts?job_id=${stopped.body.job_id}`)
    expect(page.body.items).toEqual([])
  })

  it('runs governance guards on batched starts (parallelism refusal with its status)', async () => {
    const c = await createChain(t)
    const job = await t.api('POST', '/identity/job', {
      plan_id: c.planId,
      job_type: 'llm_call',
      metadata: { budget: { max_parallel_attempts: 1 } },
      transitions: steps('create', 'dependencies_met', 'start')
    })
    const a1 = await t.api('POST', '/identity/attempt', {
      job_id: job.body.job_id,
      attempt_number: 1,
      transitions: steps('create', 'start')
    })
    expect(a1.body.lifecycle.applied).toBe(2)
    const a2 = await t.api('POST', '/identity/attempt', {
      job_id: job.body.job_id,
      attempt_number: 2,
      transitions: steps('create', 'start')
    })
    expect(a2.status).toBe(201)
    expect(a2.body.lifecycle.applied).toBe(1)
    expect(a2.body.lifecycle.results[1].status).toBe(429)
    expect(NeuroRailErrorSchema.parse(a2.body.lifecycle.results[1].body.detail).code).toBe(
      'NR-E102'
    )
  })
})

import { describe, expect, it } from 'vitest'
import { createPlanIn, startTestEngine } from '../testing/harness'
import { eachTestEngine } from '../testing/suite'
import { firstEvent, lifecycle, replayUntil, type StreamPayload } from './testing'

/** Budget enforcement over real HTTP against a real engine on a temp SQLite file. */
describe('budgets over HTTP', () => {
  const t = eachTestEngine()
  const l = lifecycle(t)

  /** The enforcement events up to the first of `eventType` that matches `which`. */
  const enforcementUntil = (
    eventType: string,
    which: (e: StreamPayload) => boolean = () => true,
    what = eventType
  ) => replayUntil(t, ['enforcement'], (e) => e.event_type === eventType && which(e), what)

  it('validates metadata.budget at job creation and stores the resolved budget', async () => {
    const { planId } = await createPlanIn(t)
    const bad = await t.api('POST', '/identity/job', {
      plan_id: planId,
      job_type: 'llm_call',
      metadata: { budget: { max_retries: 11 } }
    })
    expect(bad.status).toBe(422)
    expect(bad.body.detail[0].loc).toEqual(['body', 'metadata', 'budget', 'max_retries'])
    // The refused job was rolled back with its budget.
    expect((await t.api('GET', '/identity/jobs')).body.items).toHaveLength(0)

    const ok = await t.api('POST', '/identity/job', {
      plan_id: planId,
      job_type: 'llm_call',
      metadata: { budget: { timeout_ms: 1234 } }
    })
    expect(ok.status).toBe(201)
    const view = await t.api('GET', `/budget/jobs/${ok.body.job_id}`)
    expect(view.status).toBe(200)
    expect(view.body).toMatchObject({
      job_id: ok.body.job_id,
      source: 'metadata',
      budget: {
        timeout_ms: 1234,
        max_retries: 3,
        max_parallel_attempts: 5,
        max_global_parallel: 100,
        grace_period_ms: 5000
      },
      usage: { llm_tokens: 0, cost_credits: 0, attempts: 0, running_attempts: 0, retries: 0 },
      violations: []
    })
    expect((await t.api('GET', '/budget/jobs/j_000000000000')).status).toBe(404)
    const caps = await t.api('GET', '/capabilities')
    expect(caps.body.features).toEqual(
      expect.arrayContaining(['budgets', 'reflex', 'governor_manifests', 'signals'])
    )
  })

  it('refuses a parallel attempt beyond the job limit with NR-E102 (429) and records it', async () => {
    const { jobId } = await l.runningJob('tool_execution', { budget: { max_parallel_attempts: 1 } })
    const a1 = await l.attempt(jobId, 1)
    const a2 = await l.attempt(jobId, 2)
    expect((await l.go('attempt', a1, 'start')).status).toBe(200)
    const refused = await l.go('attempt', a2, 'start')
    expect(refused.status).toBe(429)
    expect(refused.body.detail).toMatchObject({
      code: 'NR-E102',
      retriable: true,
      details: { limit: 1, current: 1, limit_type: 'job', job_id: jobId }
    })
    expect(await l.state('attempt', a2)).toBe('created')
    const list = await t.api('GET', `/budget/violations?job_id=${jobId}`)
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0]).toMatchObject({
      violation_type: 'parallelism',
      code: 'NR-E102',
      attempt_id: a2,
      action_taken: 'refused'
    })
    const events = await enforcementUntil('parallelism_rejected')
    expect(events.map((e) => e.event_type)).toEqual(['budget_violation', 'parallelism_rejected'])
    const audit = await t.api('POST', '/audit/query', {
      job_id: jobId,
      event_type: 'budget_violation'
    })
    expect(audit.body.events[0]).toMatchObject({
      event_category: 'governance',
      severity: 'warning'
    })
    // Once the first attempt ends there is room again.
    await l.go('attempt', a1, 'complete')
    expect((await l.go('attempt', a2, 'start')).status).toBe(200)
  })

  it("applies the global limit of the starting job's budget across jobs", async () => {
    const a = await l.runningJob('tool_execution')
    const b = await l.runningJob('tool_execution', { budget: { max_global_parallel: 1 } })
    expect((await l.go('attempt', await l.attempt(a.jobId), 'start')).status).toBe(200)
    const refused = await l.go('attempt', await l.attempt(b.jobId), 'start')
    expect(refused.status).toBe(429)
    expect(refused.body.detail.details).toMatchObject({
      limit: 1,
      current: 1,
      limit_type: 'global',
      job_id: b.jobId
    })
  })

  it('the engine itself times out an attempt at timeout + grace (NR-E100)', async () => {
    const { jobId, attemptId: a } = await l.startedAttempt('llm_call', {
      timeout_ms: 80,
      grace_period_ms: 40,
      max_retries: 1
    })
    const enforced = await firstEvent(t, 'enforcement', 'timeout_enforced')
    expect(enforced?.data).toMatchObject({
      grace_period_invoked: true,
      code: 'NR-E100',
      job_id: jobId,
      attempt_id: a
    })
    expect(enforced?.data.details.elapsed_ms).toBeGreaterThanOrEqual(120)
    expect(await l.state('attempt', a)).toBe('failed_timeout')
    // A retry is left, so the job is failed_mechanical (retriable), not timeout.
    expect(await l.state('job', jobId)).toBe('failed_mechanical')
    const [v] = (await t.api('GET', `/budget/violations?job_id=${jobId}`)).body.items
    expect(v).toMatchObject({
      violation_type: 'timeout',
      code: 'NR-E100',
      action_taken: 'attempt_failed_timeout; job_failed_mechanical'
    })
    const audit = await t.api('POST', '/audit/query', {
      job_id: jobId,
      event_type: 'budget_violation'
    })
    // NR-E100 is an immune-alert code: audited as safety with the registry's severity.
    expect(audit.body.events[0]).toMatchObject({ event_category: 'safety', severity: 'error' })
    const history = await t.api('GET', `/lifecycle/attempt/${a}/history`)
    expect(history.body.transitions.at(-1)).toMatchObject({
      transition: 'timeout',
      caused_by: 'governance'
    })

    // With no retries left, the next overrun ends the job as timeout.
    expect((await l.go('job', jobId, 'retry')).status).toBe(200)
    const a2 = await l.attempt(jobId, 2)
    await l.go('attempt', a2, 'start')
    await enforcementUntil('timeout_enforced', (e) => e.data.attempt_id === a2, 'second timeout')
    expect(await l.state('job', jobId)).toBe('timeout')
  })

  it('records a timeout the client enforced (running → failed_timeout) as NR-E100, once per attempt', async () => {
    const { jobId, attemptId: a } = await l.startedAttempt('data_processing', {
      timeout_ms: 5000,
      grace_period_ms: 1000,
      max_retries: 1
    })
    // What the SDK sends when it aborts at timeout_ms, long before the engine's own deadline.
    const md = {
      error_code: 'NR-E100',
      error_type: 'BudgetTimeoutError',
      error: 'The attempt ran longer than its timeout'
    }
    expect(
      (
        await t.api('POST', `/lifecycle/attempt/${a}/transition`, {
          transition: 'timeout',
          metadata: md,
          caused_by: 'agent-1'
        })
      ).status
    ).toBe(200)
    expect((await l.go('job', jobId, 'timeout', md)).status).toBe(200)
    const events = await enforcementUntil('timeout_enforced')
    expect(events.filter((e) => e.event_type === 'budget_violation').map((e) => e.data)).toEqual([
      expect.objectContaining({
        violation_type: 'timeout',
        code: 'NR-E100',
        job_id: jobId,
        attempt_id: a,
        action_taken: 'attempt_failed_timeout_by_client'
      })
    ])
    expect(events.find((e) => e.event_type === 'timeout_enforced')?.data).toMatchObject({
      grace_period_invoked: false,
      attempt_id: a
    })
    const items = (await t.api('GET', `/budget/violations?job_id=${jobId}`)).body.items
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({
      code: 'NR-E100',
      details: {
        enforced_by: 'client',
        reported_by: 'agent-1',
        timeout_ms: 5000,
        grace_period_invoked: false
      }
    })
    const audit = await t.api('POST', '/audit/query', {
      job_id: jobId,
      event_type: 'budget_violation'
    })
    expect(audit.body.events).toHaveLength(1)
    expect(audit.body.events[0]).toMatchObject({ event_category: 'safety', attempt_id: a })
    // The client's move is final: the engine's own deadline was disarmed and never fires.
    expect((await t.api('GET', `/budget/jobs/${jobId}`)).body.violations).toHaveLength(1)
    expect((await t.api('GET', '/metrics')).text).toMatch(
      /neurorail_enforcement_timeouts_total 1\b/
    )
  })

  it('does not count a timeout twice when the engine timed the attempt out itself', async () => {
    const { jobId, attemptId: a } = await l.startedAttempt('llm_call', {
      timeout_ms: 60,
      grace_period_ms: 0,
      max_retries: 0
    })
    await enforcementUntil('timeout_enforced')
    expect(await l.state('attempt', a)).toBe('failed_timeout')
    // Let any follow-up of the engine's own failed_timeout run before counting.
    await new Promise((r) => setTimeout(r, 100))
    const items = (await t.api('GET', `/budget/violations?job_id=${jobId}`)).body.items
    expect(items).toHaveLength(1)
    expect(items[0].details).toMatchObject({ enforced_by: 'engine' })
  })

  it('re-arms deadlines after a restart: an attempt left running is timed out by the next engine', async () => {
    const { jobId, attemptId: a } = await l.startedAttempt('llm_call', {
      timeout_ms: 150,
      grace_period_ms: 0,
      max_retries: 0
    })
    await t.engine.close()
    await new Promise((r) => setTimeout(r, 200))
    const again = await startTestEngine({ dir: t.dir })
    try {
      await replayUntil(
        again,
        ['enforcement'],
        (e) => e.event_type === 'timeout_enforced',
        'timeout after restart'
      )
      const l2 = lifecycle(again)
      expect(await l2.state('attempt', a)).toBe('failed_timeout')
      expect(await l2.state('job', jobId)).toBe('timeout')
    } finally {
      await again.engine.close()
    }
  })

  it('an attempt that ends in time is never timed out', async () => {
    const { attemptId: a } = await l.startedAttempt('llm_call', {
      timeout_ms: 60,
      grace_period_ms: 0
    })
    await l.go('attempt', a, 'complete')
    await new Promise((r) => setTimeout(r, 120))
    expect(await l.state('attempt', a)).toBe('succeeded')
    expect((await t.api('GET', '/budget/violations')).body.items).toHaveLength(0)
  })

  it('refuses the retry beyond max_retries with NR-E101 and publishes retry_attempted', async () => {
    const { jobId } = await l.runningJob('tool_execution', { budget: { max_retries: 1 } })
    await l.go('job', jobId, 'fail', { error: 'boom', error_type: 'NR-E004' })
    expect(
      (await l.go('job', jobId, 'retry', { error: 'boom', error_type: 'NR-E004' })).status
    ).toBe(200)
    await l.go('job', jobId, 'fail', { error: 'boom again' })
    const refused = await l.go('job', jobId, 'retry', { error: 'boom again' })
    expect(refused.status).toBe(409)
    expect(refused.body.detail).toMatchObject({
      code: 'NR-E101',
      details: { max_retries: 1, attempts: 2, last_error: 'boom again' }
    })
    expect(await l.state('job', jobId)).toBe('failed_mechanical')
    const view = (await t.api('GET', `/budget/jobs/${jobId}`)).body
    expect(view.retries_used).toBe(1)
    expect(view.usage).toMatchObject({ retries: 1, attempts: 0, fractions: { retries: 1 } })
    expect(view.violations.map((v: { code: string }) => v.code)).toEqual(['NR-E101'])
    const events = await enforcementUntil(
      'retry_attempted',
      (e) => e.data.success === false,
      'refused retry'
    )
    const retries = events.filter((e) => e.event_type === 'retry_attempted').map((e) => e.data)
    expect(retries).toHaveLength(2)
    expect(retries[0]).toMatchObject({ success: true, retry_number: 1, max_retries: 1 })
    // §8 backoff advice for the first retry: 1 s × jitter 0.5–1.5.
    expect(retries[0]?.backoff_ms).toBeGreaterThanOrEqual(500)
    expect(retries[0]?.backoff_ms).toBeLessThanOrEqual(1500)
    expect(retries[1]).toMatchObject({ success: false, code: 'NR-E101' })
  })

  it('stops the attempt and job when reported tokens pass the budget (NR-E104) and refuses a retry', async () => {
    const { jobId, attemptId: a } = await l.startedAttempt('llm_call', {
      max_llm_tokens: 100,
      max_cost_credits: 5
    })
    expect(
      (await t.api('POST', '/telemetry/report', { entity_id: a, llm_tokens: 60, cost_credits: 1 }))
        .status
    ).toBe(200)
    expect(await l.state('attempt', a)).toBe('running')
    expect(
      (await t.api('POST', '/telemetry/report', { entity_id: a, llm_tokens: 60 })).status
    ).toBe(200)
    expect(await l.state('attempt', a)).toBe('failed_resource')
    expect(await l.state('job', jobId)).toBe('failed_mechanical')
    const events = await enforcementUntil('budget_violation')
    expect(
      events
        .filter((e) => e.event_type === 'cost_tracked')
        .map((e) => [e.data.llm_tokens, e.data.cost, e.data.total_llm_tokens])
    ).toEqual([
      [60, 1, 60],
      [60, 0, 120]
    ])
    const violation = events.find((e) => e.event_type === 'budget_violation')
    expect(violation?.data).toMatchObject({
      code: 'NR-E104',
      violation_type: 'tokens',
      details: { limit: 100, consumed: 120, cost_type: 'llm_tokens', attempt_id: a }
    })
    const view = (await t.api('GET', `/budget/jobs/${jobId}`)).body
    expect(view.usage).toMatchObject({ llm_tokens: 120, cost_credits: 1 })
    expect(view.usage.fractions.llm_tokens).toBeCloseTo(1.2)
    const retry = await l.go('job', jobId, 'retry')
    expect(retry.status).toBe(409)
    expect(retry.body.detail.code).toBe('NR-E104')
  })

  it('credits beyond max_cost_credits → NR-E103 on a job-level report', async () => {
    const { jobId, attemptId: a } = await l.startedAttempt('llm_call', { max_cost_credits: 2 })
    await t.api('POST', '/telemetry/report', { entity_id: jobId, cost_credits: 2.5 })
    expect(await l.state('attempt', a)).toBe('failed_resource')
    const [v] = (await t.api('GET', '/budget/violations?violation_type=cost')).body.items
    expect(v).toMatchObject({ code: 'NR-E103', job_id: jobId, severity: 'error' })
    expect(v.action_taken).toContain(`attempt ${a} failed_resource`)
  })

  it('pages violations with a cursor', async () => {
    const { jobId } = await l.runningJob('tool_execution', { budget: { max_parallel_attempts: 1 } })
    const first = await l.attempt(jobId)
    await l.go('attempt', first, 'start')
    for (let i = 0; i < 3; i++) await l.go('attempt', await l.attempt(jobId, i + 2), 'start')
    const p1 = (await t.api('GET', '/budget/violations?limit=2')).body
    expect(p1.items).toHaveLength(2)
    expect(p1.next_cursor).not.toBeNull()
    const p2 = (await t.api('GET', `/budget/violations?limit=2&cursor=${p1.next_cursor}`)).body
    expect(p2.items).toHaveLength(1)
    expect(p2.next_cursor).toBeNull()
    expect((await t.api('GET', '/budget/violations', undefined, { token: null })).status).toBe(401)
    const metrics = (await t.api('GET', '/metrics')).text
    expect(metrics).toContain('neurorail_budget_violations_total{violation_type="parallelism"} 3')
    expect(metrics).toContain('neurorail_enforcement_parallelism_rejected_total 3')
    // Three violations of one job type trip its trigger, which suspends the job (§8).
    expect(metrics).toContain(
      'neurorail_reflex_actions_total{reflex_type="trigger",action="suspend"} 1'
    )
    expect(metrics).toContain('controldeck_circuit_state{circuit_id="job_type:tool_execution"} 0')
  })
})

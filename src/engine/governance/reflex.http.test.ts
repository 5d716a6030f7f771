import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { lifecycle, replayUntil } from './testing'

const OPERATOR = 'operator-token-1'
const VIEWER = 'viewer-token-1'

/** Reflexes (breakers, triggers, actions, cooldowns) over real HTTP. */
describe('reflexes over HTTP', () => {
  let t: TestEngine
  beforeEach(async () => {
    t = await startTestEngine()
    t.engine.addToken(OPERATOR, 'operator')
    t.engine.addToken(VIEWER, 'viewer')
  })
  afterEach(async () => {
    await t.stop()
  })

  it('five failures open the circuit (NR-E140) and trip the trigger, which suspends the job (NR-E006)', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('tool_execution')
    for (let i = 1; i <= 5; i++) {
      const a = await l.attempt(jobId, i)
      expect((await l.go('attempt', a, 'start')).status).toBe(200)
      await l.go('attempt', a, 'fail', { error_code: 'NR-E004' })
    }
    // The suspended job is refused for its cooldown first…
    const next = await l.attempt(jobId, 6)
    const cooled = await l.go('attempt', next, 'start')
    expect(cooled.status).toBe(409)
    expect(cooled.body.detail).toMatchObject({
      code: 'NR-E006',
      retriable: true,
      details: { job_id: jobId, reflex_state: 'suspended' }
    })
    expect(Number(cooled.headers.get('retry-after'))).toBeGreaterThan(55)
    // …and a healthy job of the same type meets the open circuit.
    const other = await l.runningJob('tool_execution')
    const probe = await l.attempt(other.jobId)
    const broken = await l.go('attempt', probe, 'start')
    expect(broken.status).toBe(503)
    expect(broken.body.detail).toMatchObject({
      code: 'NR-E140',
      details: { circuit_id: 'job_type:tool_execution', state: 'open' }
    })
    expect(broken.headers.get('retry-after')).toBe('60')
    // Other job types are unaffected.
    const llm = await l.runningJob('llm_call')
    expect((await l.go('attempt', await l.attempt(llm.jobId), 'start')).status).toBe(200)

    const circuits = (await t.api('GET', '/reflex/circuits')).body.circuits
    expect(
      circuits.find((c: { circuit_id: string }) => c.circuit_id === 'job_type:tool_execution')
    ).toMatchObject({
      state: 'open',
      failure_count: 5,
      total_failures: 5,
      open_count: 1,
      options: {
        failureThreshold: 5,
        recoveryTimeoutMs: 60_000,
        successThreshold: 2,
        halfOpenMaxCalls: 3
      }
    })
    const triggers = (await t.api('GET', '/reflex/triggers')).body
    expect(
      triggers.triggers.find(
        (x: { trigger_id: string }) => x.trigger_id === 'trigger:tool_execution'
      )
    ).toMatchObject({ activation_count: 1 })
    expect(triggers.activations[0]).toMatchObject({
      trigger_id: 'trigger:tool_execution',
      reason: 'error_rate',
      error_rate: 1,
      job_id: jobId
    })
    const actions = (await t.api('GET', '/reflex/actions')).body.items
    expect(actions[0]).toMatchObject({
      job_id: jobId,
      action_type: 'suspend',
      success: true,
      actor: 'reflex',
      trigger_id: 'trigger:tool_execution',
      details: { cooldown_seconds: 60 }
    })
    const jobs = (await t.api('GET', '/reflex/jobs')).body.jobs
    expect(jobs.find((j: { job_id: string }) => j.job_id === jobId)).toMatchObject({
      current_state: 'suspended',
      cooldown_active: true,
      suspend_count: 1
    })

    const reflex = await replayUntil(
      t,
      ['reflex'],
      (e) => e.event_type === 'reflex_action_executed',
      'reflex action'
    )
    expect(reflex.map((e) => e.event_type)).toEqual([
      'circuit_state_changed',
      'trigger_activated',
      'reflex_action_executed'
    ])
    expect(reflex[0]?.data).toMatchObject({
      circuit_id: 'job_type:tool_execution',
      to_state: 'open',
      failure_count: 5,
      success_count: 0
    })
    expect(reflex[1]?.data).toMatchObject({
      trigger_id: 'trigger:tool_execution',
      reason: 'error_rate',
      error_rate: 1
    })
    expect(reflex[2]?.data).toMatchObject({ job_id: jobId, action_type: 'suspend', success: true })
    expect(reflex[2]?.data.reason).toContain('NR-E141')
    const life = await replayUntil(
      t,
      ['lifecycle'],
      (e) => e.data.machine === 'reflex',
      'reflex state_transition'
    )
    const suspended = life.find((e) => e.data.machine === 'reflex')
    expect(suspended?.data).toMatchObject({
      entity_id: jobId,
      from_state: 'running',
      to_state: 'suspended'
    })
    expect(suspended?.data.cooldown_until).toBeGreaterThan(Date.now() / 1000 + 50)
    const audit = (await t.api('POST', '/audit/query', { event_type: 'trigger_activated' })).body
      .events
    expect(audit[0]).toMatchObject({ event_category: 'safety', job_id: jobId })
  })

  it('resume is refused during the cooldown unless forced; circuits reset by an operator only', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('tool_execution')
    await l.failAttempts(jobId, 5)
    const early = await t.api('POST', `/reflex/jobs/${jobId}/resume`, {}, { token: OPERATOR })
    expect(early.status).toBe(409)
    expect(early.body.detail.code).toBe('NR-E006')
    expect(
      (await t.api('POST', `/reflex/jobs/${jobId}/resume`, { force: true }, { token: VIEWER }))
        .status
    ).toBe(403)
    const forced = await t.api(
      'POST',
      `/reflex/jobs/${jobId}/resume`,
      { force: true, reason: 'fixed upstream' },
      { token: OPERATOR }
    )
    expect(forced.status).toBe(200)
    expect(forced.body.job).toMatchObject({
      job_id: jobId,
      current_state: 'running',
      cooldown_active: false
    })
    expect(forced.body.action).toMatchObject({
      action_type: 'resume',
      actor: 'operator',
      details: { forced: true }
    })
    expect(
      (await t.api('POST', `/reflex/jobs/${jobId}/resume`, {}, { token: OPERATOR })).body.detail
        .code
    ).toBe('NR-E143')

    const a = await l.attempt(jobId, 6)
    expect((await l.go('attempt', a, 'start')).status).toBe(503)
    const id = encodeURIComponent('job_type:tool_execution')
    expect(
      (await t.api('POST', `/reflex/circuits/${id}/reset`, {}, { token: VIEWER })).status
    ).toBe(403)
    const reset = await t.api('POST', `/reflex/circuits/${id}/reset`, {}, { token: OPERATOR })
    expect(reset.status).toBe(200)
    expect(reset.body.circuit).toMatchObject({
      state: 'closed',
      failure_count: 0,
      total_failures: 5
    })
    expect(
      (await t.api('POST', '/reflex/circuits/nope/reset', {}, { token: OPERATOR })).status
    ).toBe(404)
    expect((await l.go('attempt', a, 'start')).status).toBe(200)
    const changes = await replayUntil(
      t,
      ['reflex'],
      (e) => e.event_type === 'circuit_state_changed' && e.data.to_state === 'closed',
      'reset'
    )
    expect(
      changes.filter((e) => e.event_type === 'circuit_state_changed').map((e) => e.data.to_state)
    ).toEqual(['open', 'closed'])
  })

  it('an operator suspension cools down and ends by itself', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('llm_call')
    const res = await t.api(
      'POST',
      `/reflex/jobs/${jobId}/suspend`,
      { cooldown_seconds: 0.25, reason: 'maintenance' },
      { token: OPERATOR }
    )
    expect(res.status).toBe(200)
    expect(res.body.job).toMatchObject({ current_state: 'suspended', cooldown_active: true })
    expect(res.body.action).toMatchObject({
      action_type: 'suspend',
      actor: 'operator',
      reason: 'maintenance',
      details: { cooldown_seconds: 0.25 }
    })
    const a = await l.attempt(jobId)
    const refused = await l.go('attempt', a, 'start')
    expect(refused.status).toBe(409)
    expect(refused.headers.get('retry-after')).toBe('1')
    const life = await replayUntil(
      t,
      ['lifecycle'],
      (e) => e.data.machine === 'reflex' && e.data.reason === 'cooldown_elapsed',
      'cooldown end'
    )
    expect(
      life
        .filter((e) => e.data.machine === 'reflex')
        .map((e) => [e.data.from_state, e.data.to_state])
    ).toEqual([
      ['running', 'suspended'],
      ['suspended', 'running']
    ])
    expect((await l.go('attempt', a, 'start')).status).toBe(200)
  })

  it('throttle refuses new attempts, alert only records, cancel ends the job', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('llm_call')
    const th = await t.api('POST', `/reflex/jobs/${jobId}/throttle`, {}, { token: OPERATOR })
    expect(th.body.job).toMatchObject({ current_state: 'throttled', throttle_count: 1 })
    expect(th.body.action.details).toEqual({ cooldown_seconds: 30 })
    expect(
      (await l.go('attempt', await l.attempt(jobId), 'start')).body.detail.details.reflex_state
    ).toBe('throttled')
    const alert = await t.api(
      'POST',
      `/reflex/jobs/${jobId}/alert`,
      { severity: 'critical', reason: 'cost spike' },
      { token: OPERATOR }
    )
    expect(alert.body.action).toMatchObject({
      action_type: 'alert',
      success: true,
      details: { severity: 'critical' }
    })
    expect(
      (
        await t.api('POST', '/audit/query', {
          job_id: jobId,
          event_type: 'reflex_action_executed',
          severity: 'critical'
        })
      ).body.total
    ).toBe(1)
    const cancel = await t.api(
      'POST',
      `/reflex/jobs/${jobId}/cancel`,
      { reason: 'runaway' },
      { token: OPERATOR }
    )
    expect(cancel.status).toBe(200)
    expect(cancel.body.job.current_state).toBe('cancelled')
    expect(await l.state('job', jobId)).toBe('cancelled')
    // A terminal job cannot be suspended: the failed action is answered and recorded.
    const late = await t.api('POST', `/reflex/jobs/${jobId}/suspend`, {}, { token: OPERATOR })
    expect(late.status).toBe(409)
    expect(late.body.detail.code).toBe('NR-E143')
    const [last] = (await t.api('GET', '/reflex/actions?limit=1')).body.items
    expect(last).toMatchObject({
      action_type: 'suspend',
      success: false,
      details: { error: { code: 'NR-E142' } }
    })
    expect(
      (await t.api('POST', '/reflex/jobs/j_000000000000/suspend', {}, { token: OPERATOR })).status
    ).toBe(404)
  })

  it('GET /reflex/jobs lists held jobs; ?all=1 pages every recorded job; one job by id either way', async () => {
    const l = lifecycle(t)
    const held = await l.runningJob('llm_call')
    const done = await l.runningJob('llm_call')
    const other = await l.runningJob('llm_call')
    await t.api(
      'POST',
      `/reflex/jobs/${held.jobId}/suspend`,
      { reason: 'hold' },
      { token: OPERATOR }
    )
    await l.go('job', done.jobId, 'complete')
    const list = (await t.api('GET', '/reflex/jobs')).body
    expect(list.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([held.jobId])
    expect(list.jobs[0]).toMatchObject({ current_state: 'suspended', cooldown_active: true })
    const first = (await t.api('GET', '/reflex/jobs?all=1&limit=2')).body
    expect(first.items.map((j: { job_id: string }) => j.job_id)).toEqual([other.jobId, done.jobId])
    expect(first.next_cursor).not.toBeNull()
    const second = (await t.api('GET', `/reflex/jobs?all=1&limit=2&cursor=${first.next_cursor}`))
      .body
    expect(second).toMatchObject({
      items: [expect.objectContaining({ job_id: held.jobId, cooldown_active: true })],
      next_cursor: null
    })
    expect((await t.api('GET', `/reflex/jobs/${done.jobId}`)).body).toMatchObject({
      current_state: 'completed',
      cooldown_active: false
    })
    expect((await t.api('GET', '/reflex/jobs/j_000000000000')).status).toBe(404)
    expect((await t.api('GET', '/reflex/jobs?all=maybe')).status).toBe(422)
  })

  it('keeps breaker and cooldown state across a restart', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('tool_execution')
    await l.failAttempts(jobId, 5)
    const dir = t.dir
    await t.engine.close()
    const again = await startTestEngine({ dir })
    try {
      const circuits = (await again.api('GET', '/reflex/circuits')).body.circuits
      expect(circuits[0]).toMatchObject({
        circuit_id: 'job_type:tool_execution',
        state: 'open',
        failure_count: 5
      })
      const l2 = lifecycle(again)
      const a = await l2.attempt(jobId, 6)
      expect((await l2.go('attempt', a, 'start')).body.detail.code).toBe('NR-E006')
      expect(
        (await again.api('GET', '/reflex/jobs')).body.jobs.map((j: { job_id: string }) => j.job_id)
      ).toEqual([jobId])
    } finally {
      await again.engine.close()
    }
  })
})

import { describe, expect, it } from 'vitest'
import { LifecycleStatsSchema } from '../../shared/neurorail'
import { eachTestEngine } from '../testing/suite'
import { lifecycle } from './testing'

const VIEWER = 'viewer-token-give-up'

/**
 * Counts that mean what they say (issue 10, item 5), over real HTTP: a refused attempt start
 * leaves no attempt stuck in `created`, and a job nobody will move again is "given up", not
 * "awaiting retry".
 */
describe('refused attempts and given-up jobs', () => {
  const t = eachTestEngine({ tokens: [{ token: VIEWER, role: 'viewer' }] })

  const stats = async () =>
    LifecycleStatsSchema.parse((await t.api('GET', '/lifecycle/stats')).body)
  const attemptsOf = async (jobId: string) =>
    (await t.api('GET', `/identity/attempts?job_id=${jobId}`)).body.items as Array<{
      current_state: string
    }>

  it('an atomic attempt create refused by an open circuit leaves no attempt, and answers with the refusal', async () => {
    const l = lifecycle(t)
    const broken = await l.runningJob('tool_execution')
    await l.failAttempts(broken.jobId, 5)
    const { jobId } = await l.runningJob('tool_execution')

    const refused = await t.api('POST', '/identity/attempt', {
      job_id: jobId,
      attempt_number: 1,
      transitions: [{ transition: 'create' }, { transition: 'start' }],
      atomic: true
    })
    expect(refused.status).toBe(503)
    expect(refused.body.detail).toMatchObject({
      code: 'NR-E140',
      details: { circuit_id: 'job_type:tool_execution' }
    })
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(await attemptsOf(jobId)).toEqual([])

    // The job's first attempt, asked for with the job: the job is created, its attempt is not.
    const m = await t.api('POST', '/identity/mission', { tags: {} })
    const p = await t.api('POST', '/identity/plan', { mission_id: m.body.mission_id })
    const job = await t.api('POST', '/identity/job', {
      plan_id: p.body.plan_id,
      job_type: 'tool_execution',
      transitions: [
        { transition: 'create' },
        { transition: 'dependencies_met' },
        { transition: 'start' }
      ],
      attempt: { transitions: [{ transition: 'create' }, { transition: 'start' }], atomic: true }
    })
    expect(job.status).toBe(201)
    expect(job.body.lifecycle.applied).toBe(3)
    expect(job.body.attempt.error).toMatchObject({
      status: 503,
      body: { detail: { code: 'NR-E140' } },
      headers: { 'Retry-After': '60' }
    })
    expect(await attemptsOf(job.body.job_id)).toEqual([])
    // Nothing anywhere waits in `created`: only the five attempts that ran are counted.
    expect((await stats()).states.attempt).toEqual({ failed_error: 5 })

    // Without `atomic` the old behaviour stays (what separate calls would leave behind).
    const plain = await t.api('POST', '/identity/attempt', {
      job_id: jobId,
      attempt_number: 1,
      transitions: [{ transition: 'create' }, { transition: 'start' }]
    })
    expect(plain.status).toBe(201)
    expect(plain.body.lifecycle).toMatchObject({ applied: 1, skipped: 0 })
    expect((await attemptsOf(jobId)).map((a) => a.current_state)).toEqual(['created'])
  })

  it('marks a job whose retries are used up as given up (NR-E101), and only then', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('llm_call', { budget: { max_retries: 1 } })
    const failOnce = async (n: number) => {
      const a = await l.attempt(jobId, n)
      expect((await l.go('attempt', a, 'start')).status).toBe(200)
      await l.go('attempt', a, 'fail')
      expect((await l.go('job', jobId, 'fail', { error_code: 'AGENT_ERROR' })).status).toBe(200)
    }
    await failOnce(1)
    // One retry left: awaiting retry, not given up.
    expect((await stats()).states.job).toEqual({ failed_mechanical: 1 })
    expect((await stats()).jobs_given_up).toEqual({})
    expect((await t.api('GET', `/budget/jobs/${jobId}`)).body.gave_up).toBeNull()

    expect((await l.go('job', jobId, 'retry')).status).toBe(200)
    await failOnce(2)
    expect((await stats()).jobs_given_up).toEqual({ failed_mechanical: 1 })
    expect((await t.api('GET', `/budget/jobs/${jobId}`)).body.gave_up).toMatchObject({
      code: 'NR-E101',
      by: 'governance',
      state: 'failed_mechanical'
    })
    // The engine would refuse the retry anyway; the mark says so before anyone asks.
    expect((await l.go('job', jobId, 'retry')).body.detail).toMatchObject({ code: 'NR-E101' })
    const audit = (
      await t.api('POST', '/audit/query', { job_id: jobId, event_type: 'job_given_up' })
    ).body.events
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('NR-E101')
    })
  })

  it('lets an agent give up with the code that stopped it; running again clears the mark', async () => {
    const l = lifecycle(t)
    const { jobId } = await l.runningJob('llm_call')
    const giveUp = (body: unknown, token?: string) =>
      t.api('POST', `/budget/jobs/${jobId}/give-up`, body, token ? { token } : {})

    expect((await giveUp({ code: 'NR-E140' })).status).toBe(409)
    expect(
      (await t.api('POST', '/budget/jobs/j_000000000000/give-up', { code: 'NR-E140' })).status
    ).toBe(404)
    const a = await l.attempt(jobId, 1)
    await l.go('attempt', a, 'start')
    await l.go('attempt', a, 'fail')
    await l.go('job', jobId, 'fail', { error_code: 'NR-E140' })
    expect((await giveUp({ code: 'not a code' })).status).toBe(422)
    expect((await giveUp({ code: 'NR-E140' }, VIEWER)).status).toBe(403)

    const given = await giveUp({ code: 'NR-E140', reason: 'circuit open; not waiting 60 s' })
    expect(given.status).toBe(200)
    expect(given.body.gave_up).toMatchObject({
      job_id: jobId,
      code: 'NR-E140',
      by: 'admin',
      state: 'failed_mechanical'
    })
    expect((await stats()).jobs_given_up).toEqual({ failed_mechanical: 1 })

    expect((await l.go('job', jobId, 'retry')).status).toBe(200)
    expect((await stats()).jobs_given_up).toEqual({})
    expect((await t.api('GET', `/budget/jobs/${jobId}`)).body.gave_up).toBeNull()
  })
})

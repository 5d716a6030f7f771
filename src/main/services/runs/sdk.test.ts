// The agent SDK (controldeck/agent) over real HTTP against the embedded engine on 127.0.0.1 with
// a temp SQLite file. Lives beside the run manager because the agent layer may not import the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEngine } from '../../../engine'
import {
  BudgetExceededError,
  BudgetTimeoutError,
  CancelledError,
  CircuitOpenError,
  connect,
  CooldownError,
  HttpStatusError,
  NonRetriableError,
  RetryExhaustedError,
  type ControlDeckAgent,
  type Plan
} from '../../../agent'
import { startFakeBrain, type FakeBrain } from '../client/testing/fake-brain'
import { engineFetch, startTempEngine, type TempEngine } from '../testing/temp-engine'

let engine: RunningEngine
let tmp: TempEngine
let agent: ControlDeckAgent
let plan: Plan
let missionId: string

async function api<T = Record<string, unknown>>(route: string): Promise<T> {
  const res = await engineFetch(engine, 'GET', route)
  expect(res.status, `${route} answered ${res.status}`).toBe(200)
  return (await res.json()) as T
}

async function stateOf(type: 'mission' | 'job' | 'attempt', id: string): Promise<string> {
  return (await api<{ current_state: string }>(`/lifecycle/${type}/${id}/state`)).current_state
}

async function attemptsOf(
  jobId: string
): Promise<Array<{ attempt_id: string; attempt_number: number; current_state: string }>> {
  const page = await api<{
    items: Array<{ attempt_id: string; attempt_number: number; current_state: string }>
  }>(`/identity/attempts?job_id=${jobId}&limit=50`)
  return page.items.sort((a, b) => a.attempt_number - b.attempt_number)
}

async function jobHistory(jobId: string): Promise<string[]> {
  const history = await api<{ transitions: Array<{ to_state: string }> }>(
    `/lifecycle/job/${jobId}/history`
  )
  return history.transitions.map((t) => t.to_state)
}

beforeAll(async () => {
  tmp = await startTempEngine('controldeck-sdk-', { rateLimit: false })
  engine = tmp.engine
  agent = await connect({
    url: engine.url,
    token: engine.adminToken,
    handleSignals: false,
    backoff: { baseDelayMs: 5, maxDelayMs: 20 }
  })
  const mission = await agent.mission({ tags: { test: 'sdk' } })
  missionId = mission.id
  plan = await mission.plan('sequential')
})

afterAll(async () => {
  await agent?.close()
  await tmp?.close()
})

describe('agent SDK against the embedded engine', () => {
  it('connects, reads capabilities and moves the mission to executing on its first plan', async () => {
    expect(agent.isControlDeckEngine).toBe(true)
    expect(agent.features).toContain('telemetry_report')
    expect(await stateOf('mission', missionId)).toBe('executing')
  })

  it('runs a job to success through every lifecycle state', async () => {
    const outcome = await plan.runJob(
      't_success',
      { timeout_ms: 5000 },
      (ctx) => `hello from attempt ${ctx.attempt}`
    )
    expect(outcome.value).toBe('hello from attempt 1')
    expect(outcome.attempts).toBe(1)
    expect(await jobHistory(outcome.jobId)).toEqual(['pending', 'ready', 'running', 'succeeded'])
    const attempts = await attemptsOf(outcome.jobId)
    expect(attempts.map((a) => a.current_state)).toEqual(['succeeded'])
    const job = await api<{ metadata: { budget: { timeout_ms: number; max_retries: number } } }>(
      `/identity/job/${outcome.jobId}`
    )
    expect(job.metadata.budget.timeout_ms).toBe(5000)
    expect(job.metadata.budget.max_retries).toBe(3)
  })

  it('retries a failing function with a new attempt each time until it succeeds', async () => {
    let calls = 0
    const outcome = await plan.runJob('t_retry', { max_retries: 3 }, () => {
      calls += 1
      if (calls < 3) throw new Error(`upstream down (${calls})`)
      return 'third time lucky'
    })
    expect(outcome.value).toBe('third time lucky')
    expect(outcome.attempts).toBe(3)
    const attempts = await attemptsOf(outcome.jobId)
    expect(attempts.map((a) => a.current_state)).toEqual([
      'failed_error',
      'failed_error',
      'succeeded'
    ])
    expect(await jobHistory(outcome.jobId)).toEqual([
      'pending',
      'ready',
      'running',
      'failed_mechanical',
      'running',
      'failed_mechanical',
      'running',
      'succeeded'
    ])
  })

  it('stops at max_retries and throws RetryExhaustedError with the last error as cause', async () => {
    const error = await plan
      .job('t_exhaust', { max_retries: 1 }, () => {
        throw new Error('always broken')
      })
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(RetryExhaustedError)
    const exhausted = error as RetryExhaustedError
    expect(exhausted.code).toBe('NR-E101')
    expect((exhausted.cause as Error).message).toBe('always broken')
    const jobId = exhausted.details.job_id as string
    expect(await stateOf('job', jobId)).toBe('failed_mechanical')
    expect((await attemptsOf(jobId)).map((a) => a.current_state)).toEqual([
      'failed_error',
      'failed_error'
    ])
    // Nobody will retry it: given up, not awaiting retry.
    expect((await api<{ gave_up: unknown }>(`/budget/jobs/${jobId}`)).gave_up).toMatchObject({
      code: 'NR-E101',
      state: 'failed_mechanical'
    })
  })

  it('does not retry a NonRetriableError', async () => {
    let calls = 0
    const error = await plan
      .job('t_nonretriable', { max_retries: 3 }, () => {
        calls += 1
        throw new NonRetriableError('bad input, retrying will not help')
      })
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(NonRetriableError)
    expect(calls).toBe(1)
  })

  it('aborts the signal at timeout_ms and ends the job in timeout', async () => {
    let sawAbort = false
    const error = await plan
      .job(
        't_timeout',
        { timeout_ms: 150, max_retries: 2 },
        (ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => {
              sawAbort = true
              reject(new Error('aborted by signal'))
            })
          })
      )
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(BudgetTimeoutError)
    expect((error as BudgetTimeoutError).code).toBe('NR-E100')
    expect(sawAbort).toBe(true)
    const jobId = (error as BudgetTimeoutError).details.job_id as string
    expect(await stateOf('job', jobId)).toBe('timeout')
    // A timeout is final: one attempt, no retry.
    expect((await attemptsOf(jobId)).map((a) => a.current_state)).toEqual(['failed_timeout'])
  })

  it('gives up on a function that ignores its signal instead of waiting for it', async () => {
    const error = await plan
      .job('t_ignore', { timeout_ms: 100 }, () => new Promise(() => undefined))
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(BudgetTimeoutError)
  })

  it('reports tokens and fails the job without retry when it goes over max_llm_tokens', async () => {
    let attempts = 0
    const error = await plan
      .job('t_tokens', { max_llm_tokens: 100, max_retries: 3 }, async (ctx) => {
        attempts += 1
        await ctx.reportUsage({ llmTokens: 60, costCredits: 0.06 })
        await ctx.reportUsage({ llmTokens: 60, costCredits: 0.06 })
        return 'never'
      })
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(BudgetExceededError)
    expect(['NR-E103', 'NR-E104']).toContain((error as BudgetExceededError).code)
    expect(attempts).toBe(1)
    const jobId = (error as BudgetExceededError).details.job_id as string
    const [attempt] = await attemptsOf(jobId)
    if (!attempt) throw new Error(`job ${jobId} has no attempt`)
    expect(attempt.current_state).toBe('failed_resource')
    const metrics = await api<{ llm_tokens_consumed: number }>(
      `/telemetry/metrics/${attempt.attempt_id}`
    )
    expect(metrics.llm_tokens_consumed).toBeGreaterThanOrEqual(60)
  })

  it('cancels a running job through its signal: attempt failed, job cancelled', async () => {
    const controller = new AbortController()
    const error = await plan
      .job(
        't_cancel',
        {},
        (ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))
            // The caller cancels while the attempt runs.
            controller.abort('test says stop')
          }),
        { signal: controller.signal }
      )
      .catch((err: unknown) => err)
    expect(error).toBeInstanceOf(CancelledError)
    const jobId = (error as CancelledError).details.job_id as string
    expect(await stateOf('job', jobId)).toBe('cancelled')
    expect((await attemptsOf(jobId)).map((a) => a.current_state)).toEqual(['failed_error'])
  })

  it('surfaces the engine opening a circuit breaker as CircuitOpenError (NR-E140), also for other job types on the same tool', async () => {
    const fail = (): never => {
      throw new Error('tool down')
    }
    for (let i = 0; i < 5; i++) {
      const err = await plan
        .job('t_breaker', { max_retries: 0 }, fail, { tool: 'sdk-test-tool' })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RetryExhaustedError)
    }
    let ran = false
    const refused = await plan
      .job('t_breaker', { max_retries: 0 }, () => (ran = true), { tool: 'sdk-test-tool' })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(CircuitOpenError)
    expect((refused as CircuitOpenError).code).toBe('NR-E140')
    expect((refused as CircuitOpenError).status).toBe(503)
    expect(ran).toBe(false)
    // The refused attempt never ran, so it was never created (nothing waits in `created` forever);
    // the job carries the refusal's code on its failure and is marked given up with it.
    const refusedJob = (refused as CircuitOpenError).details.job_id as string
    expect(await attemptsOf(refusedJob)).toEqual([])
    const failures = await api<{
      transitions: Array<{ to_state: string; metadata: Record<string, unknown> }>
    }>(`/lifecycle/job/${refusedJob}/history`)
    expect(failures.transitions.at(-1)).toMatchObject({
      to_state: 'failed_mechanical',
      metadata: { error_code: 'NR-E140' }
    })
    expect((await api<{ gave_up: unknown }>(`/budget/jobs/${refusedJob}`)).gave_up).toMatchObject({
      code: 'NR-E140',
      state: 'failed_mechanical'
    })

    // Another job type calling the same tool meets the tool's breaker.
    const sameTool = await plan
      .job('t_breaker_other', { max_retries: 0 }, () => 'x', { tool: 'sdk-test-tool' })
      .catch((e: unknown) => e)
    expect(sameTool).toBeInstanceOf(CircuitOpenError)
    const circuits = await api<unknown>('/reflex/circuits')
    expect(JSON.stringify(circuits)).toContain('tool:sdk-test-tool')
  })

  it('surfaces a suspended job as CooldownError (NR-E006) when it tries to retry', async () => {
    let jobId = ''
    const error = await plan
      .job('t_suspend', { max_retries: 2 }, async (ctx) => {
        jobId = ctx.jobId
        // Suspend the job from outside while its first attempt fails, before it may retry.
        const res = await engineFetch(engine, 'POST', `/reflex/jobs/${ctx.jobId}/suspend`, {
          reason: 'test'
        })
        expect(res.status).toBeLessThan(300)
        throw new Error('first attempt fails')
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CooldownError)
    expect((error as CooldownError).code).toBe('NR-E006')
    expect((error as CooldownError).retriable).toBe(true)
    expect((await attemptsOf(jobId)).length).toBe(1)
    // Its retries were not used up, but its agent stopped on the cooldown: the mark says why.
    expect((await api<{ gave_up: unknown }>(`/budget/jobs/${jobId}`)).gave_up).toMatchObject({
      code: 'NR-E006',
      state: 'failed_mechanical'
    })
  })

  it('surfaces an engine refusal as a typed HTTP error (bad token → 401 at connect)', async () => {
    const error = await connect({
      url: engine.url,
      token: 'not-a-valid-token',
      handleSignals: false
    }).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(HttpStatusError)
    expect((error as HttpStatusError).status).toBe(401)
    expect((error as HttpStatusError).retriable).toBe(false)
  })

  it('completes the mission', async () => {
    const mission = await agent.mission({ tags: { test: 'complete' } })
    const p = await mission.plan()
    await p.job('policy_check', {}, () => true)
    expect(await mission.complete()).toBe('completed')
    expect(await stateOf('mission', mission.id)).toBe('completed')
  })
})

describe('agent SDK against a BRAiN-shaped backend (no capabilities, no telemetry report)', () => {
  let brain: FakeBrain
  beforeAll(async () => {
    brain = await startFakeBrain({ staticToken: 'brain-static-token' })
  })
  afterAll(async () => {
    await brain?.close()
  })

  it('runs a governed job on the routes BRAiN has', async () => {
    const brainAgent = await connect({
      url: brain.url,
      token: 'brain-static-token',
      handleSignals: false
    })
    try {
      expect(brainAgent.isControlDeckEngine).toBe(false)
      const mission = await brainAgent.mission()
      const brainPlan = await mission.plan()
      const outcome = await brainPlan.runJob('llm_call', { max_llm_tokens: 1000 }, async (ctx) => {
        await ctx.reportUsage({ llmTokens: 10 })
        return 'ok'
      })
      expect(outcome).toMatchObject({ value: 'ok', attempts: 1 })
      expect(await mission.complete()).toBe('completed')
      // Usage stays client-side: BRAiN has no report route, so none was sent.
      expect(brain.requests.some((r) => r.includes('/telemetry/report'))).toBe(false)
      expect(
        brain.requests.filter((r) => r.includes(`/lifecycle/job/${outcome.jobId}/transition`))
      ).toHaveLength(4)
    } finally {
      await brainAgent.close()
    }
  })
})

describe('agent SDK under a tight rate limit', () => {
  it('waits out 429 refusals (Retry-After) instead of failing the job', async () => {
    const statuses: number[] = []
    const { engine: limited, close } = await startTempEngine('controldeck-sdk-429-', {
      rateLimit: { perSecond: 6, burst: 6 },
      logger: (entry) => {
        const status = (entry as { status?: unknown }).status
        if (typeof status === 'number') statuses.push(status)
      }
    })
    // Agents run with operator tokens; the admin token is not throttled by default.
    limited.addToken('sdk-429-operator-token', 'operator', 'agent')
    const slowAgent = await connect({
      url: limited.url,
      token: 'sdk-429-operator-token',
      handleSignals: false
    })
    try {
      const mission = await slowAgent.mission()
      const limitedPlan = await mission.plan()
      // 1 + 4 calls so far; a job needs 9 more: past the burst, so some must wait and resend.
      expect(await limitedPlan.job('t_rate', {}, () => 'through')).toBe('through')
      expect(statuses).toContain(429)
    } finally {
      await slowAgent.close()
      await close()
    }
  })
})

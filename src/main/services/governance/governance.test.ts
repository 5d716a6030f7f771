// The runs domain's governance views against the real engine (real breakers, triggers, budgets),
// fed by the real SDK; and against the BRAiN-shaped test server, which has none of those routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type ControlDeckAgent, type Plan } from '../../../agent'
import type { RunningEngine } from '../../../engine'
import { StaticTokenAuth } from '../client/auth'
import { BackendClient } from '../client/backend-client'
import { startFakeBrain, type FakeBrain } from '../client/testing/fake-brain'
import { isConsoleFailure } from '../../../shared/console/errors'
import { engineFetch, startTempEngine, type TempEngine } from '../testing/temp-engine'
import { GovernanceApi } from './governance'

let engine: RunningEngine
let tmp: TempEngine
let agent: ControlDeckAgent
let plan: Plan
let api: GovernanceApi
let greedyJobId = ''
let suspendedJobId = ''

beforeAll(async () => {
  tmp = await startTempEngine('controldeck-governance-', { rateLimit: false })
  engine = tmp.engine
  agent = await connect({
    url: engine.url,
    token: engine.adminToken,
    handleSignals: false,
    backoff: { baseDelayMs: 1, maxDelayMs: 5 }
  })
  plan = await (await agent.mission({ tags: { test: 'governance-views' } })).plan()
  api = new GovernanceApi(
    async () => new BackendClient(engine.url, new StaticTokenAuth(engine.adminToken))
  )

  // Five failures in a row open the breakers of the job type and of the tool, and fire the trigger.
  for (let i = 0; i < 5; i++) {
    await plan
      .runJob(
        'g_tool',
        { max_retries: 0 },
        (ctx) => {
          suspendedJobId = ctx.jobId
          throw new Error('tool down')
        },
        { tool: 'views-tool' }
      )
      .catch(() => undefined)
  }
  // One job over its token budget.
  await plan
    .job('g_llm', { max_llm_tokens: 100 }, async (ctx) => {
      greedyJobId = ctx.jobId
      await ctx.reportUsage({ llmTokens: 150, costCredits: 0.5 })
    })
    .catch(() => undefined)
})

afterAll(async () => {
  await agent?.close()
  await tmp?.close()
})

describe('GovernanceApi on the embedded engine', () => {
  it('lists the open breakers, the fired trigger and the suspended job', async () => {
    const answer = await api.circuits()
    expect(answer.available).toBe(true)
    const tool = answer.circuits.find((c) => c.circuitId === 'tool:views-tool')
    expect(tool).toMatchObject({
      state: 'open',
      failureCount: 5,
      openCount: 1,
      failureThreshold: 5,
      recoveryTimeoutMs: 60_000
    })
    expect(tool?.lastFailureAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    const trigger = answer.triggers.find((t) => t.triggerId === 'trigger:g_tool')
    expect(trigger?.activationCount).toBe(1)
    expect(trigger?.errorRateThreshold).toBe(0.5)
    expect(trigger?.windowSeconds).toBe(60)
    const job = answer.jobs.find((j) => j.jobId === suspendedJobId)
    expect(job).toMatchObject({ state: 'suspended', cooldownActive: true, suspendCount: 1 })
    // Suspended jobs come first.
    expect(answer.jobs[0]?.state).toBe('suspended')
  })

  it('lists the suspend action and the token violation', async () => {
    const actions = await api.actions(50)
    expect(actions.actions.find((a) => a.jobId === suspendedJobId)).toMatchObject({
      actionType: 'suspend',
      success: true
    })
    const violations = await api.violations(50)
    const tokens = violations.violations.find((v) => v.jobId === greedyJobId)
    expect(tokens).toMatchObject({ violationType: 'tokens', code: 'NR-E104' })
    expect(tokens?.at).toMatch(/Z$/)
    expect((await api.violations(50, 'j_000000000000')).violations).toEqual([])
  })

  it('sums budget usage of recent jobs with attempts and violations by type', async () => {
    const overview = await api.budgetOverview({ limit: 20 })
    expect(overview.available).toBe(true)
    const greedy = overview.jobs.find((j) => j.jobId === greedyJobId)
    expect(greedy).toMatchObject({
      jobType: 'g_llm',
      llmTokens: 150,
      costCredits: 0.5,
      attempts: 1,
      violations: 1
    })
    expect(greedy?.budget?.max_llm_tokens).toBe(100)
    expect(overview.totals.llmTokens).toBeGreaterThanOrEqual(150)
    expect(overview.violationsByType.tokens).toBe(1)
    const only = await api.budgetOverview({ jobIds: [greedyJobId], limit: 20 })
    expect(only.jobs.map((j) => j.jobId)).toEqual([greedyJobId])
  })

  it('shows the built-in governor rules as the active manifest', async () => {
    const manifests = await api.manifests()
    expect(manifests.manifests.find((m) => m.active)).toMatchObject({
      name: 'default_phase1',
      ruleCount: 4
    })
  })

  it('passes shadow disagreements through: the count and the newest, with fields and both modes', async () => {
    const put = await engineFetch(engine, 'PUT', '/governor/manifests/shadow', {
      name: 'views-shadow',
      version: '1',
      rules: [{ id: 'all-direct', mode: 'direct' }]
    })
    expect(put.ok).toBe(true)
    try {
      // Built-in rule_0 makes llm_call rail; the shadow says direct.
      const decided = await engineFetch(engine, 'POST', '/governor/decide', {
        job_type: 'llm_call',
        context: {}
      })
      const decision = (await decided.json()) as { decision_id: string }
      const answer = await api.manifests()
      expect(answer.disagreementCount).toBeGreaterThanOrEqual(1)
      expect(answer.disagreements[0]).toMatchObject({
        source: 'decide',
        decisionId: decision.decision_id,
        jobType: 'llm_call',
        fields: ['mode'],
        activeMode: 'rail',
        shadowMode: 'direct',
        activeRule: 'rule_0',
        shadowRule: 'all-direct'
      })
      expect(answer.disagreements[0]?.at).toMatch(/Z$/)
    } finally {
      await engineFetch(engine, 'DELETE', '/governor/manifests/shadow')
    }
  })

  it('resets a breaker and resumes a suspended job', async () => {
    const closed = await api.resetCircuit('tool:views-tool')
    expect(closed).toMatchObject({ circuitId: 'tool:views-tool', state: 'closed', failureCount: 0 })
    // While the cooldown runs, a plain resume is refused; the operator may force it.
    const refused = await api.resumeJob(suspendedJobId).catch((e: unknown) => e)
    expect(isConsoleFailure(refused) && refused.error.message).toMatch(/cooldown/)
    const resumed = await api.resumeJob(suspendedJobId, true, 'test override')
    expect(resumed.jobId).toBe(suspendedJobId)
    expect(resumed.state).not.toBe('suspended')
    expect(resumed.cooldownActive).toBe(false)
  })

  it('lists signals (an empty list is a valid answer when nothing was anomalous)', async () => {
    const signals = await api.signals(20)
    expect(signals.available).toBe(true)
    expect(Array.isArray(signals.signals)).toBe(true)
  })
})

describe('GovernanceApi on a BRAiN-shaped backend', () => {
  let brain: FakeBrain
  beforeAll(async () => {
    brain = await startFakeBrain({ staticToken: 'static-brain-token' })
  })
  afterAll(async () => {
    await brain?.close()
  })

  it('answers available: false with a sentence instead of failing', async () => {
    const brainApi = new GovernanceApi(
      async () => new BackendClient(brain.url, new StaticTokenAuth('static-brain-token'))
    )
    const circuits = await brainApi.circuits()
    expect(circuits).toMatchObject({ available: false, circuits: [], triggers: [], jobs: [] })
    expect(circuits.message).toMatch(/no reflex circuit breakers endpoint/)
    expect((await brainApi.budgetOverview({ limit: 5 })).available).toBe(false)
    expect((await brainApi.violations(5)).available).toBe(false)
    expect((await brainApi.signals(5)).available).toBe(false)
  })

  it('says so when the environment is offline', async () => {
    const offline = new GovernanceApi(async () => null)
    expect(await offline.actions(5)).toEqual({
      available: false,
      message: 'The active environment is offline.',
      actions: []
    })
  })
})

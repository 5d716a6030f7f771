import type { LifecycleEntityType } from '../shared/neurorail'

/** The hostile audit message the seed writes, so browser tests can check it is shown as text. */
export const XSS_MESSAGE = '<img src=x onerror=alert(1)><script>alert("xss")</script>'

/** What `seedDemoData` created, with the counts tests can assert. */
export interface SeedSummary {
  missions: Array<{ mission_id: string; state: string; name: string }>
  plans: string[]
  jobs: Array<{ job_id: string; mission_id: string; job_type: string; state: string }>
  attempts: Array<{ attempt_id: string; job_id: string; state: string }>
  resources: string[]
  decisions: string[]
  /** The audit event whose message is {@link XSS_MESSAGE}. */
  xssAuditId: string
  counts: {
    missionsByState: Record<string, number>
    jobsByState: Record<string, number>
    attemptsByState: Record<string, number>
    transitions: number
    /**
     * Audit events the seed caused: one per transition and decision, the logged ones, and one per
     * budget violation the engine records for the seed's work.
     */
    auditEvents: number
    /** Budget violations the engine records: the attempt the seed's agent timed out itself (NR-E100). */
    budgetViolations: number
    decisions: number
    resources: number
    llmTokens: number
    costCredits: number
  }
}

type Json = Record<string, unknown>

/**
 * Creates a known dataset over HTTP (so it exercises the same routes as any client): 3 missions
 * (completed, executing, failed), a plan each, 8 llm_call/tool_execution jobs in a mix of states
 * (succeeded, running, ready, failed_mechanical after a retry, failed_ethical, cancelled),
 * attempts including a retried one and a failed_timeout one, resources, 2 governor decisions,
 * telemetry with tokens and cost, and audit events including one hostile-HTML message.
 */
export async function seedDemoData(baseUrl: string, token: string): Promise<SeedSummary> {
  let transitions = 0
  let logged = 0
  const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`seed: ${method} ${path} → ${res.status} ${text.slice(0, 300)}`)
    return JSON.parse(text) as Json
  }
  const move = async (
    type: LifecycleEntityType,
    id: string,
    actions: Array<string | [string, Json]>
  ): Promise<void> => {
    for (const a of actions) {
      const [transition, metadata] = typeof a === 'string' ? [a, {}] : a
      await call('POST', `/lifecycle/${type}/${id}/transition`, {
        entity_id: id,
        transition,
        metadata,
        caused_by: 'seed'
      })
      transitions++
    }
  }

  const summary: SeedSummary = {
    missions: [],
    plans: [],
    jobs: [],
    attempts: [],
    resources: [],
    decisions: [],
    xssAuditId: '',
    counts: {
      missionsByState: {},
      jobsByState: {},
      attemptsByState: {},
      transitions: 0,
      auditEvents: 0,
      budgetViolations: 0,
      decisions: 0,
      resources: 0,
      llmTokens: 0,
      costCredits: 0
    }
  }
  const bump = (m: Record<string, number>, k: string): void => {
    m[k] = (m[k] ?? 0) + 1
  }

  const mission = async (name: string): Promise<{ missionId: string; planId: string }> => {
    const m = await call('POST', '/identity/mission', { tags: { name, source: 'seed' } })
    const missionId = m.mission_id as string
    const p = await call('POST', '/identity/plan', {
      mission_id: missionId,
      plan_type: 'sequential',
      metadata: { name }
    })
    summary.plans.push(p.plan_id as string)
    await move('mission', missionId, ['create', 'start', 'plan_ready', 'execute'])
    return { missionId, planId: p.plan_id as string }
  }
  const job = async (
    missionId: string,
    planId: string,
    jobType: string,
    metadata: Json = {}
  ): Promise<string> => {
    const j = await call('POST', '/identity/job', {
      plan_id: planId,
      job_type: jobType,
      metadata: { seed: true, ...metadata }
    })
    const jobId = j.job_id as string
    await move('job', jobId, ['create', 'dependencies_met'])
    summary.jobs.push({ job_id: jobId, mission_id: missionId, job_type: jobType, state: 'ready' })
    return jobId
  }
  const setJobState = (jobId: string, state: string): void => {
    const j = summary.jobs.find((x) => x.job_id === jobId)
    if (j) j.state = state
  }
  const attempt = async (
    jobId: string,
    n: number,
    end: string | [string, Json] | null
  ): Promise<string> => {
    const a = await call('POST', '/identity/attempt', {
      job_id: jobId,
      attempt_number: n,
      metadata: {}
    })
    const id = a.attempt_id as string
    await move('attempt', id, end === null ? ['create', 'start'] : ['create', 'start', end])
    const state =
      end === null
        ? 'running'
        : end === 'complete'
          ? 'succeeded'
          : Array.isArray(end) && String(end[1].error_code ?? '').includes('TIMEOUT')
            ? 'failed_timeout'
            : 'failed_error'
    summary.attempts.push({ attempt_id: id, job_id: jobId, state })
    return id
  }
  const resource = async (attemptId: string, type: string): Promise<void> => {
    const r = await call('POST', '/identity/resource', {
      attempt_id: attemptId,
      resource_type: type,
      metadata: {}
    })
    summary.resources.push(r.resource_uuid as string)
  }
  const report = async (entityId: string, tokens: number, cost: number): Promise<void> => {
    await call('POST', '/telemetry/report', {
      entity_id: entityId,
      llm_tokens: tokens,
      cost_credits: cost,
      cpu_time_ms: 120
    })
    summary.counts.llmTokens += tokens
    summary.counts.costCredits += cost
  }
  /**
   * Attempt `n` of `jobId` fails with `errorCode`, the job fails for it in `category` (the same
   * `errorType` on both), then takes the `after` transitions (e.g. `retry`).
   */
  const failedAttempt = async (
    jobId: string,
    n: number,
    category: 'mechanical' | 'ethical',
    errorCode: string,
    errorType: string,
    ...after: string[]
  ): Promise<void> => {
    await attempt(jobId, n, ['fail', { error_code: errorCode, error_type: errorType }])
    await move('job', jobId, [
      ['fail', { error_category: category, error_type: errorType }],
      ...after
    ])
  }
  /** An llm_call job of `m` whose first attempt completes after using `tokens` and `cost`. */
  const succeededLlmCall = async (
    m: { missionId: string; planId: string },
    tokens: number,
    cost: number
  ): Promise<string> => {
    const jobId = await job(m.missionId, m.planId, 'llm_call')
    await move('job', jobId, ['start'])
    const attemptId = await attempt(jobId, 1, 'complete')
    await resource(attemptId, 'llm_token')
    await report(attemptId, tokens, cost)
    await move('job', jobId, ['complete'])
    setJobState(jobId, 'succeeded')
    return jobId
  }

  // Mission 1: completed. Three jobs succeeded; one of them after a retry.
  const m1 = await mission('Quarterly report')
  const j1 = await succeededLlmCall(m1, 1200, 0.024)

  const j2 = await job(m1.missionId, m1.planId, 'tool_execution')
  await move('job', j2, ['start'])
  await failedAttempt(j2, 1, 'mechanical', 'NR-E004', 'UpstreamUnavailable', 'retry')
  const a2b = await attempt(j2, 2, 'complete')
  await resource(a2b, 'api_call')
  await move('job', j2, ['complete'])
  setJobState(j2, 'succeeded')

  await succeededLlmCall(m1, 800, 0.016)
  await move('mission', m1.missionId, ['complete'])
  summary.missions.push({ mission_id: m1.missionId, state: 'completed', name: 'Quarterly report' })

  // Mission 2: executing. One job running, one failed_mechanical after a retry, one ready.
  const m2 = await mission('Customer triage')
  // The engine enforces attempt deadlines itself (30 s + 5 s grace by default): without a budget of
  // its own, this "running" job would turn failed_mechanical 35 s after seeding, and every page and
  // test that reads the summary (or shows the demo) would then disagree with the engine.
  const j4 = await job(m2.missionId, m2.planId, 'llm_call', { budget: { timeout_ms: 86_400_000 } })
  await move('job', j4, ['start'])
  const a4 = await attempt(j4, 1, null)
  await report(a4, 300, 0.006)
  setJobState(j4, 'running')

  const j5 = await job(m2.missionId, m2.planId, 'tool_execution')
  await move('job', j5, ['start'])
  await failedAttempt(j5, 1, 'mechanical', 'EXEC_TIMEOUT', 'Timeout', 'retry')
  await failedAttempt(j5, 2, 'mechanical', 'NR-E005', 'BadResponseFormat')
  setJobState(j5, 'failed_mechanical')

  await job(m2.missionId, m2.planId, 'tool_execution')
  summary.missions.push({ mission_id: m2.missionId, state: 'executing', name: 'Customer triage' })

  // Mission 3: failed. One job failed on ethical grounds, one cancelled.
  const m3 = await mission('Data export')
  const j7 = await job(m3.missionId, m3.planId, 'llm_call')
  await move('job', j7, ['start'])
  await failedAttempt(j7, 1, 'ethical', 'POLICY_VIOLATION', 'PolicyViolation')
  setJobState(j7, 'failed_ethical')
  const j8 = await job(m3.missionId, m3.planId, 'tool_execution')
  await move('job', j8, ['cancel'])
  setJobState(j8, 'cancelled')
  await move('mission', m3.missionId, [['fail', { reason: 'ethical failure in job ' + j7 }]])
  summary.missions.push({ mission_id: m3.missionId, state: 'failed', name: 'Data export' })

  // Two governor decisions: llm_call → rail (rule_0), tool_execution → direct (rule_3).
  for (const [jobId, jobType, missionId] of [
    [j1, 'llm_call', m1.missionId],
    [j2, 'tool_execution', m1.missionId]
  ] as const) {
    const d = await call('POST', '/governor/decide', {
      mission_id: missionId,
      job_id: jobId,
      job_type: jobType,
      context: { environment: 'development' }
    })
    summary.decisions.push(d.decision_id as string)
  }

  // Audit events written by agents, one of them hostile HTML that must render as text.
  const xss = await call('POST', '/audit/log', {
    mission_id: m2.missionId,
    job_id: j4,
    event_type: 'agent_note',
    event_category: 'safety',
    severity: 'warning',
    message: XSS_MESSAGE,
    details: { note: XSS_MESSAGE },
    caused_by_agent: 'seed-agent'
  })
  summary.xssAuditId = xss.audit_id as string
  logged++
  await call('POST', '/audit/log', {
    mission_id: m1.missionId,
    event_type: 'execution_success',
    event_category: 'execution',
    severity: 'info',
    message: 'Quarterly report delivered',
    caused_by_agent: 'seed-agent'
  })
  logged++

  for (const m of summary.missions) bump(summary.counts.missionsByState, m.state)
  for (const j of summary.jobs) bump(summary.counts.jobsByState, j.state)
  for (const a of summary.attempts) bump(summary.counts.attemptsByState, a.state)
  summary.counts.transitions = transitions
  summary.counts.decisions = summary.decisions.length
  summary.counts.resources = summary.resources.length
  // The attempt failed with a TIMEOUT error code enters failed_timeout by the client's hand; the
  // engine records that as an NR-E100 violation with an audit event of its own.
  summary.counts.budgetViolations = summary.counts.attemptsByState.failed_timeout ?? 0
  summary.counts.auditEvents =
    transitions + summary.decisions.length + logged + summary.counts.budgetViolations
  return summary
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuditEventSchema, AuditQueryResponseSchema } from '../../shared/neurorail'
import { replayUntil } from '../governance/testing'
import { SseReader } from '../testing/sse'
import { createChain, startTestEngine, type TestEngine } from '../testing/harness'

const AGENT_A = 'agent-a-token-123456'
const AGENT_B = 'agent-b-token-123456'

/** Issue 10 item 10: every audit entry written from a request says whose token wrote it. */
describe('audit entries record the authenticated principal', () => {
  let t: TestEngine
  let chain: Awaited<ReturnType<typeof createChain>>
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cd-audit-recorder-'))
    t = await startTestEngine({
      dir,
      tokens: [
        { token: AGENT_A, role: 'operator', name: 'agent-a' },
        { token: AGENT_B, role: 'operator', name: 'agent-b' }
      ]
    })
    chain = await createChain(t)
  })
  afterAll(async () => {
    await t.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const entry = (extra: Record<string, unknown> = {}) => ({
    job_id: chain.jobId,
    event_type: 'note',
    event_category: 'execution',
    message: 'written by an agent',
    details: {},
    ...extra
  })

  it('records the caller of POST /audit/log, not whom the body names', async () => {
    const stream = await new SseReader().open(`${t.engine.baseUrl}/stream/events?channels=audit`, {
      Authorization: `Bearer ${t.engine.adminToken}`
    })
    try {
      // Agent B claims the entry was caused by agent A: the claim stays a claim.
      const res = await t.api('POST', '/audit/log', entry({ caused_by_agent: 'agent-a' }), {
        token: AGENT_B
      })
      expect(res.status).toBe(201)
      const written = AuditEventSchema.parse(res.body)
      expect(written.caused_by_agent).toBe('agent-a')
      expect(written.recorded_by).toEqual({ name: 'agent-b', role: 'operator' })
      // The same on the stream and in the stored row.
      await stream.waitFor(() => stream.frames.some((f) => f.data.includes(written.audit_id)))
      const frame = stream.frames.find((f) => f.data.includes(written.audit_id))
      expect(JSON.parse(frame?.data ?? '{}').data.recorded_by).toEqual({
        name: 'agent-b',
        role: 'operator'
      })
      const query = AuditQueryResponseSchema.parse(
        (await t.api('POST', '/audit/query', { event_type: 'note' })).body
      )
      expect(query.events.find((e) => e.audit_id === written.audit_id)?.recorded_by).toEqual({
        name: 'agent-b',
        role: 'operator'
      })
    } finally {
      stream.close()
    }
  })

  it('refuses a body that tries to set recorded_by (422)', async () => {
    const res = await t.api(
      'POST',
      '/audit/log',
      entry({ recorded_by: { name: 'admin', role: 'admin' } }),
      { token: AGENT_B }
    )
    expect(res.status).toBe(422)
    expect(res.body.detail[0].loc).toEqual(['body', 'recorded_by'])
    expect(res.body.detail[0].msg).toBe("recorded_by is set by the engine from the caller's token")
  })

  it('records the principal on the entries the engine writes for a request (transitions, decisions)', async () => {
    const moved = await t.api(
      'POST',
      `/lifecycle/job/${chain.jobId}/transition`,
      { transition: 'create' },
      { token: AGENT_A }
    )
    expect(moved.status).toBe(200)
    const decided = await t.api('POST', '/governor/decide', {
      job_id: chain.jobId,
      job_type: 'llm_call',
      context: {}
    })
    expect(decided.status).toBe(200)
    const events = AuditQueryResponseSchema.parse(
      (await t.api('POST', '/audit/query', { job_id: chain.jobId })).body
    ).events
    const transition = events.find((e) => e.caused_by_event === moved.body.event_id)
    expect(transition?.recorded_by).toEqual({ name: 'agent-a', role: 'operator' })
    const decision = events.find((e) => e.caused_by_event === decided.body.decision_id)
    expect(decision?.recorded_by).toEqual({ name: 'admin', role: 'admin' })
  })

  it('keeps the principal through work set off after the commit, and records none for timers', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      t.api(method, path, body, { token: AGENT_A })
    const go = (type: string, id: string, transition: string) =>
      call('POST', `/lifecycle/${type}/${id}/transition`, { transition })
    const runningAttempt = async (
      budget: Record<string, number>
    ): Promise<{ jobId: string; attemptId: string }> => {
      const m = await call('POST', '/identity/mission', { tags: {} })
      const p = await call('POST', '/identity/plan', { mission_id: m.body.mission_id })
      const j = await call('POST', '/identity/job', {
        plan_id: p.body.plan_id,
        job_type: 'llm_call',
        metadata: { budget }
      })
      for (const a of ['create', 'dependencies_met', 'start'])
        expect((await go('job', j.body.job_id, a)).status).toBe(200)
      const a = await call('POST', '/identity/attempt', {
        job_id: j.body.job_id,
        attempt_number: 1
      })
      for (const step of ['create', 'start'])
        expect((await go('attempt', a.body.attempt_id, step)).status).toBe(200)
      return { jobId: j.body.job_id, attemptId: a.body.attempt_id }
    }
    const violationsOf = async (jobId: string) =>
      AuditQueryResponseSchema.parse(
        (await t.api('POST', '/audit/query', { job_id: jobId, event_type: 'budget_violation' }))
          .body
      ).events

    // The agent reports its own timeout: governance records NR-E100 after that commit.
    const byClient = await runningAttempt({ timeout_ms: 60_000, max_retries: 1 })
    expect((await go('attempt', byClient.attemptId, 'timeout')).status).toBe(200)
    await replayUntil(
      t,
      ['enforcement'],
      (e) => e.event_type === 'timeout_enforced' && e.data.attempt_id === byClient.attemptId,
      'client timeout'
    )
    expect((await violationsOf(byClient.jobId)).map((e) => e.recorded_by)).toEqual([
      { name: 'agent-a', role: 'operator' }
    ])

    // The engine's own deadline fires later, from a timer the agent's request armed: no principal.
    const byEngine = await runningAttempt({ timeout_ms: 50, grace_period_ms: 10, max_retries: 1 })
    await replayUntil(
      t,
      ['enforcement'],
      (e) => e.event_type === 'timeout_enforced' && e.data.attempt_id === byEngine.attemptId,
      'engine timeout'
    )
    expect((await violationsOf(byEngine.jobId)).map((e) => e.recorded_by)).toEqual([null])
  })

  it('keeps recorded_by across a restart on the same database file', async () => {
    const res = await t.api('POST', '/audit/log', entry({ event_type: 'kept' }), { token: AGENT_A })
    expect(res.status).toBe(201)
    await t.stop()
    t = await startTestEngine({ dir })
    const events = AuditQueryResponseSchema.parse(
      (await t.api('POST', '/audit/query', { event_type: 'kept' })).body
    ).events
    expect(events.map((e) => e.recorded_by)).toEqual([{ name: 'agent-a', role: 'operator' }])
  })
})

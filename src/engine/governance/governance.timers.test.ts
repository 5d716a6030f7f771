import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createServices, type EngineServices } from '../services'
import { Store } from '../store/store'
import { extender } from '../extensions'
import { asHttpError } from '../http/errors'
import { createJobDirect } from '../testing/harness'
import { createGovernance, GOVERNANCE_MIGRATIONS, type Governance } from '.'

/**
 * The wired governance on a real SQLite file, driven in-process with fake timers (Date and
 * setTimeout only: the store's group commit runs on setImmediate, which stays real and is
 * flushed explicitly). Covers every time-based transition end to end: cooldown expiry, breaker
 * recovery and the server-side attempt deadline.
 */
describe('governance timers (fake clock, real store)', () => {
  let dir: string
  let s: EngineServices
  let gov: Governance

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    vi.setSystemTime(new Date('2026-11-23T08:00:00Z'))
    dir = mkdtempSync(path.join(tmpdir(), 'cd-gov-'))
    s = createServices(new Store(path.join(dir, 'engine.db')), {
      heartbeatMs: 0,
      sseMaxQueueBytes: 1 << 20,
      sseStallTimeoutMs: 10_000,
      eventRetention: 10_000
    })
    s.store.migrateModule('governance', GOVERNANCE_MIGRATIONS)
    gov = createGovernance({ services: s, extend: extender(s), log: () => {} })
  })
  afterEach(() => {
    gov.close()
    s.hub.close()
    s.store.close()
    rmSync(dir, { recursive: true, force: true })
    vi.useRealTimers()
  })

  /** Commits the open batch and whatever follow-up batches its listeners open. */
  function settle(): void {
    for (let i = 0; i < 10; i++) s.store.commitBatch()
  }

  /** A running job of `jobType`. */
  function chain(jobType: string, metadata: Record<string, unknown> = {}): { jobId: string } {
    const { jobId } = createJobDirect(s, jobType, { metadata })
    for (const a of ['create', 'dependencies_met', 'start'])
      s.lifecycle.transition('job', jobId, a, {}, null)
    settle()
    return { jobId }
  }

  function attempt(jobId: string, n: number): string {
    const a = s.identity.createAttempt({ job_id: jobId, attempt_number: n, metadata: {} })
    s.lifecycle.transition('attempt', a.attempt_id, 'create', {}, null)
    return a.attempt_id
  }

  function start(attemptId: string): { ok: true } | { ok: false; status: number; code: string } {
    try {
      s.lifecycle.transition('attempt', attemptId, 'start', {}, null)
      settle()
      return { ok: true }
    } catch (thrown) {
      const err = asHttpError(thrown)
      if (err) return { ok: false, status: err.status, code: (err.detail as { code: string }).code }
      throw thrown
    }
  }

  function end(attemptId: string, action: 'complete' | 'fail'): void {
    s.lifecycle.transition('attempt', attemptId, action, {}, null)
    settle()
  }

  /** Starts and fails a first attempt of `jobId`. */
  function failFirstAttempt(jobId: string): void {
    const a = attempt(jobId, 1)
    start(a)
    end(a, 'fail')
  }

  /** `data` of the stream events of one type on one channel, oldest first. */
  function streamed(eventType: string, channel: string): Array<Record<string, unknown>> {
    return (
      s.store.db
        .prepare(
          'SELECT payload FROM stream_events WHERE event_type = ? AND channel = ? ORDER BY id'
        )
        .all(eventType, channel) as Array<{ payload: string }>
    ).map((r) => (JSON.parse(r.payload) as { data: Record<string, unknown> }).data)
  }

  it('a trigger suspension refuses the job for exactly 60 s, then the job resumes and is persisted', () => {
    const { jobId } = chain('tool_execution')
    for (let i = 1; i <= 5; i++) {
      const a = attempt(jobId, i)
      expect(start(a)).toEqual({ ok: true })
      end(a, 'fail')
    }
    const next = attempt(jobId, 6)
    expect(start(next)).toEqual({ ok: false, status: 409, code: 'NR-E006' })
    vi.advanceTimersByTime(59_999)
    expect(start(next)).toMatchObject({ code: 'NR-E006' })
    vi.advanceTimersByTime(1)
    settle()
    expect(gov.reflex.jobs.get(jobId)).toMatchObject({
      current_state: 'running',
      cooldown_until: null,
      reason: 'cooldown_elapsed'
    })
    const row = s.store.db
      .prepare('SELECT snapshot FROM gov_reflex_jobs WHERE job_id = ?')
      .get(jobId) as { snapshot: string }
    expect(JSON.parse(row.snapshot)).toMatchObject({ current_state: 'running', suspend_count: 1 })
    expect(
      streamed('state_transition', 'lifecycle')
        .filter((d) => d.machine === 'reflex')
        .map((d) => d.to_state)
    ).toEqual(['suspended', 'running'])
    // The job is out of cooldown; the type's circuit was opened by the same five failures and
    // recovered during the same 60 s, so the next attempt is its first half-open probe.
    expect(start(next)).toEqual({ ok: true })
    expect(gov.reflex.listCircuits()[0]).toMatchObject({ state: 'half_open', half_open_calls: 1 })
  })

  it('an open circuit recovers through half-open to closed on two successes', () => {
    const jobs = Array.from({ length: 6 }, () => chain('search').jobId)
    // Five failures spread over five jobs, so no single job is the one the trigger suspends next.
    for (const jobId of jobs.slice(0, 5)) failFirstAttempt(jobId)
    const fresh = jobs[5] as string
    const p1 = attempt(fresh, 1)
    expect(start(p1)).toEqual({ ok: false, status: 503, code: 'NR-E140' })
    vi.advanceTimersByTime(60_000)
    expect(start(p1)).toEqual({ ok: true })
    end(p1, 'complete')
    const p2 = attempt(fresh, 2)
    expect(start(p2)).toEqual({ ok: true })
    end(p2, 'complete')
    expect(gov.reflex.listCircuits()[0]).toMatchObject({
      circuit_id: 'job_type:search',
      state: 'closed',
      total_successes: 2
    })
    expect(streamed('circuit_state_changed', 'reflex').map((d) => [d.to_state, d.reason])).toEqual([
      ['open', 'failure_threshold'],
      ['half_open', 'recovery_timeout'],
      ['closed', 'success_threshold']
    ])
  })

  it('a failing probe reopens the circuit for another 60 s', () => {
    const jobs = Array.from({ length: 6 }, () => chain('search').jobId)
    for (const jobId of jobs.slice(0, 5)) failFirstAttempt(jobId)
    vi.advanceTimersByTime(60_000)
    const probe = attempt(jobs[5] as string, 1)
    expect(start(probe)).toEqual({ ok: true })
    end(probe, 'fail')
    const again = attempt(jobs[5] as string, 2)
    expect(start(again)).toMatchObject({ code: 'NR-E140' })
    vi.advanceTimersByTime(59_999)
    expect(start(again)).toMatchObject({ code: 'NR-E140' })
    vi.advanceTimersByTime(1)
    expect(start(again)).toEqual({ ok: true })
  })

  it('a tool circuit spans job types', () => {
    for (let i = 0; i < 5; i++) {
      failFirstAttempt(chain(i % 2 === 0 ? 'search' : 'scrape', { tool: 'web' }).jobId)
    }
    const { jobId } = chain('summarise', { tool: 'web' })
    expect(start(attempt(jobId, 1))).toEqual({ ok: false, status: 503, code: 'NR-E140' })
    expect(gov.reflex.listCircuits().map((c) => [c.circuit_id, c.state, c.total_calls])).toEqual([
      ['job_type:scrape', 'closed', 2],
      ['job_type:search', 'closed', 3],
      // Admitted, then given back when the tool circuit refused: no call happened.
      ['job_type:summarise', 'closed', 0],
      ['tool:web', 'open', 5]
    ])
  })

  it('the attempt deadline fires at timeout_ms + grace_period_ms (defaults 30 s + 5 s)', () => {
    const { jobId } = chain('llm_call')
    const a = attempt(jobId, 1)
    start(a)
    vi.advanceTimersByTime(34_999)
    settle()
    expect(s.lifecycle.currentState(a)).toBe('running')
    vi.advanceTimersByTime(1)
    settle()
    expect(s.lifecycle.currentState(a)).toBe('failed_timeout')
    expect(s.lifecycle.currentState(jobId)).toBe('failed_mechanical')
    expect(streamed('timeout_enforced', 'enforcement')).toEqual([
      expect.objectContaining({ grace_period_invoked: true, attempt_id: a, job_id: jobId })
    ])
    expect(
      (streamed('timeout_enforced', 'enforcement')[0]?.details as { elapsed_ms: number }).elapsed_ms
    ).toBe(35_000)
  })

  it('a throttle cooldown (30 s) ends by itself', () => {
    const { jobId } = chain('llm_call')
    gov.reflex.execute({ jobId, type: 'throttle', reason: 'test', actor: 'test' })
    settle()
    const a = attempt(jobId, 1)
    expect(start(a)).toMatchObject({ code: 'NR-E006' })
    vi.advanceTimersByTime(30_000)
    settle()
    expect(start(a)).toEqual({ ok: true })
  })
})

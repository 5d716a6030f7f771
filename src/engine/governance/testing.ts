import { afterEach, beforeEach, vi } from 'vitest'
import type { TestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'

/** One stream event as the engine sends it in the `data:` line. */
export interface StreamPayload {
  id: string
  channel: string
  event_type: string
  timestamp: number
  data: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary event fields
}

/**
 * Replays the engine's durable event log over real SSE (`lastEventId=0`) and resolves once an
 * event matching `until` has arrived; returns every event received on `channels` by then.
 */
export async function replayUntil(
  t: TestEngine,
  channels: string[],
  until: (e: StreamPayload) => boolean,
  what: string
): Promise<StreamPayload[]> {
  const q = new URLSearchParams({ lastEventId: '0', access_token: t.engine.adminToken })
  for (const c of channels) q.append('channels', c)
  const sse = await new SseReader().open(`${t.engine.baseUrl}/stream/events?${q.toString()}`)
  try {
    const events = (): StreamPayload[] => sse.payloads() as StreamPayload[]
    await sse.waitFor(() => events().some(until), 5000, what)
    return events()
  } finally {
    sse.close()
  }
}

/** Replays `channel` until an event of `eventType` has arrived, and returns the first one. */
export async function firstEvent(
  t: TestEngine,
  channel: string,
  eventType: string
): Promise<StreamPayload | undefined> {
  const events = await replayUntil(t, [channel], (e) => e.event_type === eventType, eventType)
  return events.find((e) => e.event_type === eventType)
}

/** Lifecycle shortcuts over HTTP for one test engine. */
export function lifecycle(t: TestEngine) {
  const go = (
    type: string,
    id: string,
    transition: string,
    metadata: Record<string, unknown> = {}
  ) => t.api('POST', `/lifecycle/${type}/${id}/transition`, { transition, metadata })
  return {
    go,
    /** Creates mission → plan → job (with `metadata`) and moves the job to running. */
    async runningJob(
      jobType: string,
      metadata: Record<string, unknown> = {}
    ): Promise<{ missionId: string; jobId: string }> {
      const m = await t.api('POST', '/identity/mission', { tags: {} })
      const p = await t.api('POST', '/identity/plan', { mission_id: m.body.mission_id })
      const j = await t.api('POST', '/identity/job', {
        plan_id: p.body.plan_id,
        job_type: jobType,
        metadata
      })
      if (j.status !== 201) throw new Error(`job creation failed: ${j.status} ${j.text}`)
      for (const a of ['create', 'dependencies_met', 'start']) {
        const r = await go('job', j.body.job_id, a)
        if (r.status !== 200) throw new Error(`job ${a} failed: ${r.status} ${r.text}`)
      }
      return { missionId: m.body.mission_id, jobId: j.body.job_id }
    },
    /** Creates an attempt of `jobId` and `create`s it; returns its id. */
    async attempt(jobId: string, n = 1): Promise<string> {
      const a = await t.api('POST', '/identity/attempt', { job_id: jobId, attempt_number: n })
      await go('attempt', a.body.attempt_id, 'create')
      return a.body.attempt_id as string
    },
    /** A running job of `jobType` whose `metadata.budget` is `budget`, and its first attempt, started. */
    async startedAttempt(
      jobType: string,
      budget: Record<string, unknown>
    ): Promise<{ jobId: string; attemptId: string }> {
      const { jobId } = await this.runningJob(jobType, { budget })
      const attemptId = await this.attempt(jobId)
      await go('attempt', attemptId, 'start')
      return { jobId, attemptId }
    },
    /** Starts and fails `count` new attempts of `jobId`, numbered from 1 (five open its circuit). */
    async failAttempts(
      jobId: string,
      count: number,
      metadata?: Record<string, unknown>
    ): Promise<void> {
      for (let i = 1; i <= count; i++) {
        const a = await this.attempt(jobId, i)
        await go('attempt', a, 'start')
        await go('attempt', a, 'fail', metadata)
      }
    },
    async state(type: string, id: string): Promise<string> {
      return (await t.api('GET', `/lifecycle/${type}/${id}/state`)).body.current_state as string
    }
  }
}

/** Fake timers and `Date` for every test of the block, the clock starting at `iso` each time. */
export function fakeTimersFrom(iso: string): void {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date(iso))
  })
  afterEach(() => {
    vi.useRealTimers()
  })
}

import { describe, expect, it } from 'vitest'
import { EntityMetricsSchema, TelemetrySnapshotSchema } from '../../shared/neurorail'
import { createChain, startTestEngine } from '../testing/harness'

describe('telemetry routes', () => {
  it('derives metrics from transitions, counts attempts and retries, and adds reported usage', async () => {
    const t = await startTestEngine()
    try {
      const c = await createChain(t)
      await t.api('POST', '/identity/attempt', { job_id: c.jobId, attempt_number: 2 })
      expect((await t.api('GET', `/telemetry/metrics/${c.attemptId}`)).status).toBe(404)
      const go = (type: string, id: string, transition: string, metadata = {}) =>
        t.api('POST', `/lifecycle/${type}/${id}/transition`, { transition, metadata })
      for (const a of ['create', 'dependencies_met', 'start']) await go('job', c.jobId, a)
      await go('job', c.jobId, 'fail', {
        error_type: 'UpstreamUnavailable',
        error_category: 'mechanical'
      })
      let job = EntityMetricsSchema.parse(
        (await t.api('GET', `/telemetry/metrics/${c.jobId}`)).body
      )
      expect(job).toMatchObject({
        entity_type: 'job',
        success: false,
        error_type: 'UpstreamUnavailable',
        error_category: 'mechanical',
        attempt_count: 2
      })
      await go('job', c.jobId, 'retry')
      await go('job', c.jobId, 'complete')
      job = EntityMetricsSchema.parse((await t.api('GET', `/telemetry/metrics/${c.jobId}`)).body)
      expect(job).toMatchObject({
        success: true,
        retry_count: 1,
        attempt_count: 2,
        error_type: null
      })
      expect(job.started_at).not.toBeNull()
      expect(job.completed_at).not.toBeNull()
      expect(job.duration_ms).toBe(Date.parse(job.completed_at!) - Date.parse(job.started_at!))

      for (const a of ['create', 'start']) await go('attempt', c.attemptId, a)
      await go('attempt', c.attemptId, 'fail', { error_code: 'EXEC_TIMEOUT' })
      const attempt = EntityMetricsSchema.parse(
        (await t.api('GET', `/telemetry/metrics/${c.attemptId}`)).body
      )
      expect(attempt).toMatchObject({
        success: false,
        error_type: 'EXEC_TIMEOUT',
        error_category: 'mechanical'
      })

      await t.api('POST', '/telemetry/report', {
        entity_id: c.attemptId,
        llm_tokens: 100,
        cost_credits: 0.5,
        memory_peak_mb: 64
      })
      const reported = await t.api('POST', '/telemetry/report', {
        entity_id: c.attemptId,
        llm_tokens: 50,
        cost_credits: 0.25,
        memory_peak_mb: 32
      })
      expect(reported.status).toBe(200)
      expect(EntityMetricsSchema.parse(reported.body)).toMatchObject({
        llm_tokens_consumed: 150,
        cost_credits: 0.75,
        memory_peak_mb: 64
      })
      expect(
        (await t.api('POST', '/telemetry/report', { entity_id: 'a_000000000000', llm_tokens: 1 }))
          .status
      ).toBe(404)
      expect(
        (await t.api('POST', '/telemetry/report', { entity_id: c.attemptId, llm_tokens: -1 }))
          .status
      ).toBe(422)
    } finally {
      await t.stop()
    }
  })

  it('rolls a mission, plan and job up over their descendants and gives a finished mission a duration', async () => {
    const t = await startTestEngine()
    try {
      const c = await createChain(t)
      const j2 = await t.api('POST', '/identity/job', {
        plan_id: c.planId,
        job_type: 'tool_execution'
      })
      const go = (type: string, id: string, transition: string) =>
        t.api('POST', `/lifecycle/${type}/${id}/transition`, { transition, metadata: {} })
      for (const a of ['create', 'start']) await go('mission', c.missionId, a)
      await t.api('POST', '/telemetry/report', {
        entity_id: c.attemptId,
        llm_tokens: 1000,
        cost_credits: 0.5
      })
      await t.api('POST', '/telemetry/report', { entity_id: c.jobId, llm_tokens: 200 })
      await t.api('POST', '/telemetry/report', {
        entity_id: j2.body.job_id,
        llm_tokens: 300,
        cost_credits: 0.25
      })
      for (const a of ['create', 'dependencies_met', 'start', 'fail', 'retry', 'complete'])
        await go('job', c.jobId, a)
      for (const a of ['plan_ready', 'execute', 'complete']) await go('mission', c.missionId, a)
      const metrics = async (id: string) =>
        EntityMetricsSchema.parse((await t.api('GET', `/telemetry/metrics/${id}`)).body)
      const mission = await metrics(c.missionId)
      expect(mission).toMatchObject({
        llm_tokens_consumed: 1500,
        cost_credits: 0.75,
        attempt_count: 1,
        retry_count: 1,
        includes_descendants: true,
        success: true
      })
      expect(mission.duration_ms).not.toBeNull()
      expect(mission.duration_ms).toBe(
        Date.parse(mission.completed_at!) - Date.parse(mission.started_at!)
      )
      expect(await metrics(c.planId)).toMatchObject({
        llm_tokens_consumed: 1500,
        cost_credits: 0.75,
        includes_descendants: true
      })
      expect(await metrics(c.jobId)).toMatchObject({
        llm_tokens_consumed: 1200,
        cost_credits: 0.5,
        attempt_count: 1,
        retry_count: 1
      })
      // An attempt stays its own.
      const attempt = await metrics(c.attemptId)
      expect(attempt.llm_tokens_consumed).toBe(1000)
      expect(attempt.includes_descendants).toBeUndefined()
    } finally {
      await t.stop()
    }
  })

  it('computes the snapshot live: never a 404, counts and last-hour error rate and latency', async () => {
    const t = await startTestEngine()
    try {
      const empty = await t.api('GET', '/telemetry/snapshot')
      expect(empty.status).toBe(200)
      expect(TelemetrySnapshotSchema.parse(empty.body)).toMatchObject({
        active_missions: 0,
        error_rate_1h: 0,
        p95_latency_1h_ms: 0
      })

      const chains = await Promise.all([createChain(t), createChain(t), createChain(t)])
      const go = (type: string, id: string, transition: string) =>
        t.api('POST', `/lifecycle/${type}/${id}/transition`, { transition })
      await go('mission', chains[0].missionId, 'create')
      for (const a of ['create', 'start']) await go('mission', chains[1].missionId, a)
      await go('job', chains[0].jobId, 'create')
      for (const a of ['create', 'dependencies_met', 'start']) await go('job', chains[1].jobId, a)
      for (const [i, end] of [
        [0, 'complete'],
        [1, 'fail'],
        [2, null]
      ] as const) {
        for (const a of ['create', 'start']) await go('attempt', chains[i].attemptId, a)
        if (end) await go('attempt', chains[i].attemptId, end)
      }
      await t.api('POST', '/identity/resource', {
        attempt_id: chains[0].attemptId,
        resource_type: 'llm_token'
      })
      const snap = TelemetrySnapshotSchema.parse((await t.api('GET', '/telemetry/snapshot')).body)
      expect(snap).toMatchObject({
        active_missions: 1,
        pending_missions: 1,
        active_jobs: 1,
        pending_jobs: 1,
        active_attempts: 1,
        resources_by_type: { llm_token: 1 },
        error_rate_1h: 0.5
      })
      const durations = await Promise.all(
        [0, 1].map(
          async (i) =>
            EntityMetricsSchema.parse(
              (await t.api('GET', `/telemetry/metrics/${chains[i]!.attemptId}`)).body
            ).duration_ms!
        )
      )
      expect(snap.avg_latency_1h_ms).toBe((durations[0]! + durations[1]!) / 2)
      expect(snap.p95_latency_1h_ms).toBe(Math.max(...durations))
    } finally {
      await t.stop()
    }
  })
})

import { describe, expect, it } from 'vitest'
import {
  AuditQueryResponseSchema,
  AuditStatsSchema,
  DecisionListSchema,
  JobPageSchema,
  LifecycleStatsSchema,
  MissionPageSchema
} from '../shared/neurorail'
import type { Clock } from './clock'
import { seedDemoData, XSS_MESSAGE } from './seed'
import { startTestEngine } from './testing/harness'

describe('seedDemoData', () => {
  it('creates the documented dataset and its summary matches what the engine reports', async () => {
    const t = await startTestEngine()
    try {
      const s = await seedDemoData(t.engine.baseUrl, t.engine.adminToken)
      expect(s.missions.map((m) => m.state)).toEqual(['completed', 'executing', 'failed'])
      expect(s.jobs).toHaveLength(8)
      expect(new Set(s.jobs.map((j) => j.job_type))).toEqual(
        new Set(['llm_call', 'tool_execution'])
      )
      expect(s.counts.jobsByState).toMatchObject({ succeeded: 3, running: 1, failed_mechanical: 1 })
      expect(s.counts.attemptsByState.failed_timeout).toBe(1)

      const stats = LifecycleStatsSchema.parse((await t.api('GET', '/lifecycle/stats')).body)
      expect(stats.states.mission).toEqual(s.counts.missionsByState)
      expect(stats.states.job).toEqual(s.counts.jobsByState)
      expect(stats.states.attempt).toEqual(s.counts.attemptsByState)
      expect(stats.transitions.reduce((n, x) => n + x.count, 0)).toBe(s.counts.transitions)

      const audit = AuditStatsSchema.parse((await t.api('GET', '/audit/stats')).body)
      expect(audit.total_events).toBe(s.counts.auditEvents)
      const violations = (await t.api('GET', '/budget/violations')).body as { items: unknown[] }
      expect(violations.items).toHaveLength(s.counts.budgetViolations)
      const xss = AuditQueryResponseSchema.parse(
        (await t.api('POST', '/audit/query', { event_type: 'agent_note' })).body
      )
      expect(xss.events[0]).toMatchObject({ audit_id: s.xssAuditId, message: XSS_MESSAGE })

      expect(
        DecisionListSchema.parse((await t.api('GET', '/governor/decisions')).body).items
      ).toHaveLength(2)
      expect(
        MissionPageSchema.parse((await t.api('GET', '/identity/missions')).body).items
      ).toHaveLength(3)
      const retried = JobPageSchema.parse(
        (await t.api('GET', '/identity/jobs?state=failed_mechanical')).body
      )
      const metrics = (await t.api('GET', `/telemetry/metrics/${retried.items[0]!.job_id}`)).body
      expect(metrics).toMatchObject({ retry_count: 1, attempt_count: 2 })
    } finally {
      await t.stop()
    }
  })

  it('keeps its running job running past the default attempt deadline (the summary stays true)', async () => {
    // A clock whose timers fire when the test says: one minute passes after seeding.
    let offset = 0
    const timers: Array<{ at: number; fn: () => void; done: boolean }> = []
    const clock: Clock = {
      now: () => Date.now() + offset,
      setTimeout(fn, ms) {
        const timer = { at: Date.now() + offset + ms, fn, done: false }
        timers.push(timer)
        return { cancel: () => void (timer.done = true) }
      }
    }
    const t = await startTestEngine({ clock })
    try {
      const s = await seedDemoData(t.engine.baseUrl, t.engine.adminToken)
      offset += 60_000
      for (const timer of timers.splice(0)) if (!timer.done && timer.at <= clock.now()) timer.fn()
      const running = s.jobs.filter((j) => j.state === 'running').map((j) => j.job_id)
      const page = JobPageSchema.parse((await t.api('GET', '/identity/jobs?state=running')).body)
      expect(page.items.map((j) => j.job_id)).toEqual(running)
    } finally {
      await t.stop()
    }
  })
})

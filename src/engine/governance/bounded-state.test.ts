import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'
import type { Clock } from '../clock'
import { ReflexService } from './reflex/reflex-service'
import { createRuntime } from './runtime'
import { SignalService } from './signals/signal-service'

// job_type is free text chosen by clients: per-type state in memory must not grow without bound.
describe('per-job-type governance state is bounded', () => {
  let t: TestEngine
  let now = 1_800_000_000_000
  const clock: Clock = { now: () => now, setTimeout: () => ({ cancel: () => undefined }) }
  beforeAll(async () => {
    t = await startTestEngine()
  })
  afterAll(async () => t.stop())

  const runtime = () => createRuntime(t.engine.services, clock, () => undefined)
  const job = (type: string, i: number) => ({
    job_id: `j_${i.toString(16).padStart(12, '0')}`,
    job_type: type,
    plan_id: 'p_0',
    mission_id: 'm_0',
    metadata: {}
  })

  it('keeps the detectors of at most maxJobTypes job types, dropping the least recently seen', () => {
    const signals = new SignalService(runtime(), { maxJobTypes: 3 })
    for (let i = 0; i < 50; i++) signals.observeAttempt(`type_${i}`, 'a_000000000000', false)
    expect(signals.watchedJobTypes).toBe(3)
  })

  it('drops idle triggers beyond triggersKept and keeps the ones holding evidence', () => {
    const reflex = new ReflexService(runtime(), { triggersKept: 2 })
    try {
      // Five job types with an outcome each, all inside the window: every trigger holds evidence.
      for (let i = 0; i < 5; i++) reflex.recordOutcome(job(`busy_${i}`, i), false)
      expect(reflex.triggerCount).toBe(5)
      // Once their window has passed they are idle, and new job types push them out.
      now += 61_000
      for (let i = 0; i < 20; i++) reflex.recordOutcome(job(`later_${i}`, 100 + i), false)
      // The later ones are in their window (busy), the old idle ones are gone.
      const ids = reflex.listTriggers().triggers.map((tr) => tr.trigger_id)
      expect(ids.some((id) => id.startsWith('trigger:busy_'))).toBe(false)
      now += 61_000
      reflex.recordOutcome(job('last', 999), false)
      expect(reflex.triggerCount).toBeLessThanOrEqual(2)
    } finally {
      reflex.close()
    }
  })
})

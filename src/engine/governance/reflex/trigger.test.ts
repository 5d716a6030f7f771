import { describe, expect, it, vi } from 'vitest'
import { systemClock } from '../../clock'
import { fakeTimersFrom } from '../testing'
import { Trigger } from './trigger'

describe('Trigger (API §8 defaults)', () => {
  fakeTimersFrom('2026-11-23T08:00:00Z')

  it('needs min_samples before the error rate counts', () => {
    const t = new Trigger('trigger:llm_call', systemClock)
    for (let i = 0; i < 4; i++) expect(t.recordOutcome(true)).toBeNull()
    const a = t.recordOutcome(true)
    expect(a).not.toBeNull()
    expect(a?.reason).toBe('error_rate')
    expect(a?.error_rate).toBe(1)
    expect(a?.sample_count).toBe(5)
    expect(a?.error.code).toBe('NR-E141')
    expect(a?.activation_count).toBe(1)
  })

  it('fires at exactly the threshold (0.5) and not below it', () => {
    const t = new Trigger('t', systemClock)
    // 2 failures out of 5 = 0.4: no; the 6th (a failure) makes 3/6 = 0.5: fire.
    const seq = [false, true, false, true, false]
    for (const failed of seq) expect(t.recordOutcome(failed)).toBeNull()
    expect(t.recordOutcome(true)?.error_rate).toBe(0.5)
  })

  it('forgets outcomes older than the 60 s window', () => {
    const t = new Trigger('t', systemClock)
    for (let i = 0; i < 4; i++) t.recordOutcome(true)
    vi.advanceTimersByTime(60_001)
    expect(t.toJSON().recent_event_count).toBe(0)
    expect(t.recordOutcome(true)).toBeNull()
    for (let i = 0; i < 3; i++) expect(t.recordOutcome(true)).toBeNull()
    expect(t.recordOutcome(true)).not.toBeNull()
  })

  it('re-arms only on fresh evidence after firing', () => {
    const t = new Trigger('t', systemClock)
    for (let i = 0; i < 5; i++) t.recordOutcome(true)
    expect(t.recordOutcome(true)).toBeNull()
    expect(t.toJSON()).toMatchObject({ activation_count: 1, recent_event_count: 1 })
  })

  it('fires on the third budget violation and resets the count', () => {
    const t = new Trigger('t', systemClock)
    expect(t.recordViolation()).toBeNull()
    expect(t.recordViolation()).toBeNull()
    const a = t.recordViolation()
    expect(a?.reason).toBe('budget_violations')
    expect(a?.budget_violations).toBe(3)
    expect(t.toJSON().budget_violations).toBe(0)
    expect(t.toJSON().last_activation_time).toBe(Date.parse('2026-11-23T08:00:00Z') / 1000)
  })

  it('keeps the window and error rate exact over a long stream of outcomes', () => {
    const t = new Trigger('t', systemClock, { errorRateThreshold: 1, minSamples: 1_000_000 })
    const all: Array<{ at: number; failed: boolean }> = []
    // 5000 outcomes 25 ms apart (125 s): the window slides past thousands of them.
    for (let i = 0; i < 5000; i++) {
      const failed = i % 7 === 0
      all.push({ at: Date.now(), failed })
      t.recordOutcome(failed)
      vi.advanceTimersByTime(25)
    }
    const cutoff = Date.now() - 60_000
    const inWindow = all.filter((o) => o.at > cutoff)
    const snap = t.toJSON()
    expect(snap.recent_event_count).toBe(inWindow.length)
    expect(snap.error_rate).toBeCloseTo(
      inWindow.filter((o) => o.failed).length / inWindow.length,
      12
    )
  })

  it('rejects nonsensical config', () => {
    expect(() => new Trigger('t', systemClock, { errorRateThreshold: 0 })).toThrow(RangeError)
    expect(() => new Trigger('t', systemClock, { minSamples: 0 })).toThrow(RangeError)
  })
})

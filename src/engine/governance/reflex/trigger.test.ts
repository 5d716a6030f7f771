import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { systemClock } from '../clock'
import { Trigger } from './trigger'

describe('Trigger (API §8 defaults)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-11-23T08:00:00Z'))
  })
  afterEach(() => {
    vi.useRealTimers()
  })

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

  it('rejects nonsensical config', () => {
    expect(() => new Trigger('t', systemClock, { errorRateThreshold: 0 })).toThrow(RangeError)
    expect(() => new Trigger('t', systemClock, { minSamples: 0 })).toThrow(RangeError)
  })
})

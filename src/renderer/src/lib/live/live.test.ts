import { describe, expect, it } from 'vitest'
import { circuitHalfOpenAt } from '../../../../shared/console/governance-mapper'
import { emptyBudget, reduceBudget } from './budget'
import { applyTransitions, transitionsOf } from './lifecycle'
import { addToRate, emptyRate, recentRate } from './rate'
import { emptyReflex, reduceReflex } from './reflex'
import { liveEvent as ev } from './testing'

describe('reduceReflex', () => {
  it('tracks circuit state, counts and time to half-open', () => {
    const change = (to_state: string, success_count: number, tsSec: number) =>
      ev(
        'reflex',
        'circuit_state_changed',
        { circuit_id: 'llm', to_state, failure_count: 5, success_count },
        tsSec
      )
    const m = reduceReflex(emptyReflex(), [change('open', 0, 100)])
    const llm = m.circuits.llm
    expect(llm).toMatchObject({ state: 'open', failureCount: 5 })
    expect(llm && circuitHalfOpenAt(llm)).toBe(160_000)
    const m2 = reduceReflex(m, [change('half_open', 1, 161)])
    const llm2 = m2.circuits.llm
    expect(llm2).toMatchObject({ state: 'half_open', successCount: 1, changes: 2 })
    expect(llm2 && circuitHalfOpenAt(llm2)).toBeNull()
    expect(m2.totals.circuitChanges).toBe(2)
  })

  it('holds suspended jobs with their cooldown and releases them on resume', () => {
    const m = reduceReflex(emptyReflex(), [
      ev(
        'reflex',
        'reflex_action_executed',
        { job_id: 'j_1', action_type: 'suspend', success: true },
        10
      ),
      ev(
        'reflex',
        'reflex_action_executed',
        { job_id: 'j_2', action_type: 'throttle', success: true },
        10
      ),
      ev(
        'reflex',
        'trigger_activated',
        { trigger_id: 't1', reason: 'error rate', error_rate: 0.6 },
        10
      )
    ])
    expect(m.held.j_1).toMatchObject({ state: 'suspended', cooldownUntil: 70_000 })
    expect(m.held.j_2).toMatchObject({ state: 'throttled', cooldownUntil: 40_000 })
    expect(m.triggers[0]).toMatchObject({ triggerId: 't1', errorRate: 0.6 })
    const m2 = reduceReflex(m, [
      ev('reflex', 'reflex_action_executed', {
        job_id: 'j_1',
        action_type: 'resume',
        success: true
      })
    ])
    expect(m2.held.j_1).toBeUndefined()
    expect(m2.totals.actions).toBe(3)
  })

  it('returns the same model for unrelated events', () => {
    const m = emptyReflex()
    expect(reduceReflex(m, [ev('audit', 'execution_start', {})])).toBe(m)
  })
})

describe('reduceBudget', () => {
  it('sums counters per kind and per second', () => {
    const m = reduceBudget(emptyBudget(), [
      ev('enforcement', 'timeout_enforced', { grace_period_invoked: true }, 100.1),
      ev('enforcement', 'retry_attempted', { success: false }, 100.5),
      ev('enforcement', 'cost_tracked', { llm_tokens: 120, cost: 0.5 }, 101.2),
      ev('enforcement', 'cost_tracked', { llm_tokens: 30, cost: 0.25 }, 101.9),
      ev('enforcement', 'parallelism_rejected', { limit: 5, current: 5 }, 102),
      ev(
        'enforcement',
        'budget_violation',
        { violation_type: 'cost', job_id: 'j_x', limit: 1, consumed: 1.5 },
        102
      )
    ])
    expect(m.totals).toMatchObject({
      timeouts: 1,
      gracePeriods: 1,
      retries: 1,
      tokens: 150,
      cost: 0.75,
      parallelismRejected: 1,
      violations: 1
    })
    expect(m.series.map((p) => p.x)).toEqual([100_000, 101_000, 102_000])
    expect(m.series[1]?.tokens).toBe(150)
    expect(m.violations[0]).toMatchObject({ kind: 'cost', jobId: 'j_x', limit: 1, consumed: 1.5 })
  })
})

describe('lifecycle', () => {
  it('moves counts from the old state to the new one', () => {
    const ts = transitionsOf([
      ev('lifecycle', 'state_transition', {
        entity_id: 'j_0123456789ab',
        from_state: 'ready',
        to_state: 'running'
      })
    ])
    expect(ts[0]?.entityType).toBe('job')
    const counts = applyTransitions({ job: { ready: 2, running: 0 } }, ts)
    expect(counts.job).toEqual({ ready: 1, running: 1 })
  })

  it('counts a hostile entity type or state as a name, never touching Object.prototype', () => {
    const ts = transitionsOf([
      ev('lifecycle', 'state_transition', {
        entity_id: 'j_0123456789ab',
        entity_type: '__proto__',
        from_state: 'hasOwnProperty',
        to_state: 'polluted'
      })
    ])
    const counts = applyTransitions({ job: { ready: 2 } }, ts)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype.hasOwnProperty).toBeTypeOf('function')
    expect(counts.job).toEqual({ ready: 2 })
    expect(Object.entries(counts)).toContainEqual(['__proto__', { hasOwnProperty: 0, polluted: 1 }])
  })
})

describe('rate', () => {
  it('counts per second and slides the window', () => {
    let w = emptyRate(10_000, 10)
    w = addToRate(w, 5, 10_100)
    w = addToRate(w, 7, 11_500)
    w = addToRate(w, 3, 12_000)
    expect(w.counts.slice(-3)).toEqual([5, 7, 3])
    expect(recentRate(w, 12_500, 2)).toBe(6)
    w = addToRate(w, 0, 40_000)
    expect(w.counts.every((c) => c === 0)).toBe(true)
  })
})

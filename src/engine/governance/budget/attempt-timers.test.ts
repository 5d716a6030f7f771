import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BudgetSchema } from '../../../shared/neurorail'
import { systemClock } from '../../clock'
import { AttemptTimers, type Overrun } from './attempt-timers'

describe('AttemptTimers', () => {
  let fired: Overrun[]
  let timers: AttemptTimers
  beforeEach(() => {
    vi.useFakeTimers()
    fired = []
    timers = new AttemptTimers(systemClock, (o) => fired.push(o))
  })
  afterEach(() => {
    timers.close()
    vi.useRealTimers()
  })

  it('fires at timeout + grace, not at timeout', () => {
    timers.arm('a_1', 'j_1', BudgetSchema.parse({ timeout_ms: 1000, grace_period_ms: 500 }))
    vi.advanceTimersByTime(1499)
    expect(fired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(fired.map((o) => [o.attemptId, o.elapsedMs])).toEqual([['a_1', 1500]])
    expect(timers.size).toBe(0)
  })

  it('does not fire once disarmed', () => {
    timers.arm('a_1', 'j_1', BudgetSchema.parse({ timeout_ms: 1000 }))
    vi.advanceTimersByTime(900)
    timers.disarm('a_1')
    vi.advanceTimersByTime(10_000)
    expect(fired).toEqual([])
  })

  it('re-arming after a restart counts from the original start', () => {
    const start = Date.now()
    vi.advanceTimersByTime(800)
    timers.arm('a_1', 'j_1', BudgetSchema.parse({ timeout_ms: 1000, grace_period_ms: 0 }), start)
    vi.advanceTimersByTime(199)
    expect(fired).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(fired[0]?.elapsedMs).toBe(1000)
  })
})

import { describe, expect, it, vi } from 'vitest'
import { systemClock } from '../../clock'
import { statusOf } from '../../http/errors'
import { isGovernanceError } from '../errors'
import { fakeTimersFrom } from '../testing'
import { CircuitBreaker, type CircuitStateChange } from './circuit-breaker'

function failN(b: CircuitBreaker, n: number): void {
  for (let i = 0; i < n; i++) {
    expect(b.tryAcquire().ok).toBe(true)
    b.recordFailure()
  }
}

/** A breaker with §8's defaults, opened by five failures. */
function openBreaker(): CircuitBreaker {
  const b = new CircuitBreaker('c', systemClock)
  failN(b, 5)
  return b
}

/** A breaker opened by five failures whose 60 s recovery has passed: the next call probes. */
function recoveredBreaker(): CircuitBreaker {
  const b = openBreaker()
  vi.advanceTimersByTime(60_000)
  return b
}

/** One admitted call that ends in `outcome`. */
function call(b: CircuitBreaker, outcome: 'success' | 'failure'): void {
  b.tryAcquire()
  if (outcome === 'success') b.recordSuccess()
  else b.recordFailure()
}

/** Lets `ms` pass, then asks the breaker to admit a call. */
function admittedAfter(b: CircuitBreaker, ms: number): boolean {
  vi.advanceTimersByTime(ms)
  return b.tryAcquire().ok
}

describe('CircuitBreaker (API §8 defaults)', () => {
  fakeTimersFrom('2026-11-23T08:00:00Z')

  it('opens after 5 consecutive failures and a success resets the count', () => {
    const b = new CircuitBreaker('job_type:llm_call', systemClock)
    const changes: CircuitStateChange[] = []
    b.onStateChange((c) => changes.push(c))
    failN(b, 4)
    call(b, 'success')
    failN(b, 4)
    expect(b.state).toBe('closed')
    failN(b, 1)
    expect(b.state).toBe('open')
    expect(changes).toEqual([
      {
        circuit_id: 'job_type:llm_call',
        from_state: 'closed',
        to_state: 'open',
        failure_count: 5,
        success_count: 0,
        reason: 'failure_threshold'
      }
    ])
  })

  it('refuses calls with NR-E140 while open and goes half-open lazily after 60 s', () => {
    const b = openBreaker()
    const refused = b.tryAcquire()
    expect(refused.ok).toBe(false)
    if (refused.ok) throw new Error('unreachable')
    expect(isGovernanceError(refused.error)).toBe(true)
    expect(refused.error.code).toBe('NR-E140')
    expect(statusOf(refused.error.code)).toBe(503)
    expect(refused.error.retryAfterMs).toBe(60_000)

    expect(admittedAfter(b, 59_999)).toBe(false)
    // Time alone does not change the state: the transition happens on the next call.
    vi.advanceTimersByTime(1)
    expect(b.state).toBe('open')
    expect(b.tryAcquire().ok).toBe(true)
    expect(b.state).toBe('half_open')
  })

  it('admits at most 3 probe calls in half-open', () => {
    const b = recoveredBreaker()
    expect([b.tryAcquire().ok, b.tryAcquire().ok, b.tryAcquire().ok, b.tryAcquire().ok]).toEqual([
      true,
      true,
      true,
      false
    ])
  })

  it('an abandoned half-open admission frees its probe slot', () => {
    const b = recoveredBreaker()
    b.tryAcquire()
    b.tryAcquire()
    b.tryAcquire()
    expect(b.tryAcquire().ok).toBe(false)
    b.abandon()
    expect(b.toJSON().half_open_calls).toBe(2)
    expect(b.tryAcquire().ok).toBe(true)
  })

  it('closes after 2 half-open successes', () => {
    const b = new CircuitBreaker('c', systemClock)
    const changes: CircuitStateChange[] = []
    b.onStateChange((c) => changes.push(c))
    failN(b, 5)
    vi.advanceTimersByTime(60_000)
    call(b, 'success')
    expect(b.state).toBe('half_open')
    call(b, 'success')
    expect(b.state).toBe('closed')
    expect(changes.map((c) => [c.to_state, c.reason, c.success_count])).toEqual([
      ['open', 'failure_threshold', 0],
      ['half_open', 'recovery_timeout', 0],
      ['closed', 'success_threshold', 2]
    ])
    expect(b.toJSON().failure_count).toBe(0)
  })

  it('reopens on any half-open failure and times recovery from that failure', () => {
    const b = recoveredBreaker()
    call(b, 'success')
    call(b, 'failure')
    expect(b.state).toBe('open')
    expect(b.toJSON().open_count).toBe(2)
    expect(admittedAfter(b, 59_000)).toBe(false)
    expect(admittedAfter(b, 1_000)).toBe(true)
  })

  it('late failures while open push recovery back', () => {
    const b = openBreaker()
    vi.advanceTimersByTime(30_000)
    b.recordFailure()
    expect(admittedAfter(b, 30_000)).toBe(false)
    expect(admittedAfter(b, 30_000)).toBe(true)
  })

  it('reset closes an open circuit at once', () => {
    const b = openBreaker()
    b.reset()
    expect(b.state).toBe('closed')
    expect(b.tryAcquire().ok).toBe(true)
  })

  it('round-trips through its snapshot; half-open comes back open', () => {
    const b = new CircuitBreaker('c', systemClock, { failureThreshold: 2 })
    failN(b, 2)
    vi.advanceTimersByTime(60_000)
    b.tryAcquire()
    expect(b.state).toBe('half_open')
    const snap = JSON.parse(JSON.stringify(b.toJSON()))
    const back = new CircuitBreaker('c', systemClock, {}, snap)
    expect(back.state).toBe('open')
    expect(back.options.failureThreshold).toBe(2)
    expect(back.toJSON().total_failures).toBe(2)
    // It was last failing 60 s ago, so the rehydrated breaker may probe right away.
    expect(back.tryAcquire().ok).toBe(true)
    expect(back.state).toBe('half_open')
  })

  it('rejects nonsensical options', () => {
    expect(() => new CircuitBreaker('c', systemClock, { failureThreshold: 0 })).toThrow(RangeError)
    expect(() => new CircuitBreaker('c', systemClock, { recoveryTimeoutMs: -1 })).toThrow(
      RangeError
    )
  })
})

import type { CircuitState } from '../../../shared/neurorail/governance'
import type { Clock } from '../../clock'
import { GovernanceError } from '../errors'

/** The three breaker states of API §8. */
export type { CircuitState }

/** Breaker tuning; the defaults are API §8's. */
export interface CircuitBreakerOptions {
  /** Consecutive failures (closed) that open the circuit. */
  failureThreshold: number
  /** How long (ms) after the last failure an open circuit admits a probe call. */
  recoveryTimeoutMs: number
  /** Successes in half-open that close the circuit again. */
  successThreshold: number
  /** Calls admitted while half-open; later ones are rejected like an open circuit. */
  halfOpenMaxCalls: number
}

export const DEFAULT_CIRCUIT_OPTIONS: Readonly<CircuitBreakerOptions> = {
  failureThreshold: 5,
  recoveryTimeoutMs: 60_000,
  successThreshold: 2,
  halfOpenMaxCalls: 3
}

/**
 * The breaker's state, each variant carrying only its own data (cockatiel's InnerState). Closed
 * counts consecutive failures; open remembers when the last failure happened (recovery is timed
 * from it); half-open counts admitted probe calls and their successes.
 */
export type InnerCircuitState =
  | { value: 'closed'; failures: number }
  | { value: 'open'; lastFailureAt: number; failures: number }
  | { value: 'half_open'; calls: number; successes: number }

/** A serializable breaker snapshot (persisted to SQLite, returned by GET /reflex/circuits). */
export interface CircuitSnapshot {
  circuit_id: string
  state: CircuitState
  /** Consecutive failures that count toward opening (closed) or that opened it (open). */
  failure_count: number
  /** Successes counted toward closing (half-open only; 0 otherwise). */
  success_count: number
  /** Probe calls admitted in the current half-open phase. */
  half_open_calls: number
  total_calls: number
  total_failures: number
  total_successes: number
  open_count: number
  /** Epoch seconds, as in BRAiN's metrics. */
  last_failure_time: number | null
  last_state_change_time: number
  /** Epoch seconds at which an open circuit admits its first probe; null unless open. */
  recovers_at: number | null
  options: CircuitBreakerOptions
}

/** A state change, as handed to listeners (and published as `circuit_state_changed`). */
export interface CircuitStateChange {
  circuit_id: string
  from_state: CircuitState
  to_state: CircuitState
  failure_count: number
  success_count: number
  /** Why: 'failure_threshold' | 'recovery_timeout' | 'success_threshold' | 'half_open_failure' | 'reset'. */
  reason: string
}

/** Result of `tryAcquire`: admitted, or refused with NR-E140. */
export type Admission = { ok: true } | { ok: false; error: GovernanceError }

/**
 * A circuit breaker with API §8's semantics. Closed → open after `failureThreshold` consecutive
 * failures (a success resets the count). Open → half-open lazily, on the first call once
 * `recoveryTimeoutMs` has passed since the last failure. Half-open → closed after
 * `successThreshold` successes; any failure reopens it; calls beyond `halfOpenMaxCalls` are
 * refused. Refusals are NR-E140 errors (HTTP 503 with Retry-After).
 *
 * The breaker does not run the work itself: the engine admits an attempt start with
 * `tryAcquire()` and reports the attempt's outcome later with `recordSuccess/recordFailure`,
 * because attempts are driven by agents over HTTP, not by a function call here.
 */
export class CircuitBreaker {
  private inner: InnerCircuitState = { value: 'closed', failures: 0 }
  private totalCalls = 0
  private totalFailures = 0
  private totalSuccesses = 0
  private openCount = 0
  private lastFailureAt: number | null = null
  private lastStateChangeAt: number
  private readonly listeners = new Set<(change: CircuitStateChange) => void>()
  readonly options: CircuitBreakerOptions

  /**
   * @param initial a snapshot from `toJSON()`; a breaker that was half-open comes back open (its
   *   probes' outcomes were lost with the process), timed from its last failure.
   * @throws RangeError on thresholds below 1 or a negative recovery timeout.
   */
  constructor(
    readonly id: string,
    private readonly clock: Clock,
    options: Partial<CircuitBreakerOptions> = {},
    initial?: CircuitSnapshot
  ) {
    this.options = { ...DEFAULT_CIRCUIT_OPTIONS, ...(initial?.options ?? {}), ...options }
    const o = this.options
    if (o.failureThreshold < 1 || o.successThreshold < 1 || o.halfOpenMaxCalls < 1) {
      throw new RangeError('Circuit breaker thresholds must be at least 1')
    }
    if (o.recoveryTimeoutMs < 0) throw new RangeError('recoveryTimeoutMs must not be negative')
    this.lastStateChangeAt = clock.now()
    if (initial) this.hydrate(initial)
  }

  private hydrate(s: CircuitSnapshot): void {
    this.totalCalls = s.total_calls
    this.totalFailures = s.total_failures
    this.totalSuccesses = s.total_successes
    this.openCount = s.open_count
    this.lastFailureAt = s.last_failure_time === null ? null : s.last_failure_time * 1000
    this.lastStateChangeAt = s.last_state_change_time * 1000
    switch (s.state) {
      case 'closed':
        this.inner = { value: 'closed', failures: s.failure_count }
        break
      case 'open':
      case 'half_open':
        this.inner = {
          value: 'open',
          lastFailureAt: this.lastFailureAt ?? this.lastStateChangeAt,
          failures: s.failure_count
        }
        break
      default:
        throw new Error(`Unexpected circuit state ${String(s.state)}`)
    }
  }

  /** The current state (an open circuit past its recovery time still reads `open` until a call). */
  get state(): CircuitState {
    return this.inner.value
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: (change: CircuitStateChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Asks to start one call. Moves open → half-open when the recovery time has passed. Refusals
   * carry NR-E140 with `{circuit_id, state, retry_after_ms}`.
   */
  tryAcquire(): Admission {
    const now = this.clock.now()
    if (this.inner.value === 'open') {
      const reopensAt = this.inner.lastFailureAt + this.options.recoveryTimeoutMs
      if (now < reopensAt) return { ok: false, error: this.refusal('open', reopensAt - now) }
      this.transition({ value: 'half_open', calls: 0, successes: 0 }, 'recovery_timeout')
    }
    if (this.inner.value === 'half_open') {
      if (this.inner.calls >= this.options.halfOpenMaxCalls) {
        return { ok: false, error: this.refusal('half_open', this.options.recoveryTimeoutMs) }
      }
      this.inner.calls++
    }
    this.totalCalls++
    return { ok: true }
  }

  private refusal(state: CircuitState, retryAfterMs: number): GovernanceError {
    return new GovernanceError(
      'NR-E140',
      `Circuit ${this.id} is ${state === 'open' ? 'open' : 'half-open and at its probe limit'}; retry later`,
      { circuit_id: this.id, state, retry_after_ms: retryAfterMs }
    ).retryAfter(retryAfterMs)
  }

  /**
   * Gives back an admission that will not be used (another check refused the call after this
   * breaker admitted it), so a half-open probe slot is not lost to a call that never ran.
   */
  abandon(): void {
    this.totalCalls = Math.max(0, this.totalCalls - 1)
    if (this.inner.value === 'half_open' && this.inner.calls > 0) this.inner.calls--
  }

  /** Reports a successful call. */
  recordSuccess(): void {
    this.totalSuccesses++
    switch (this.inner.value) {
      case 'closed':
        this.inner.failures = 0
        break
      case 'half_open':
        this.inner.successes++
        if (this.inner.successes >= this.options.successThreshold) {
          this.transition({ value: 'closed', failures: 0 }, 'success_threshold')
        }
        break
      case 'open':
        // A call admitted before the circuit opened finished late; it proves nothing about now.
        break
    }
  }

  /** Reports a failed call. */
  recordFailure(): void {
    const now = this.clock.now()
    this.totalFailures++
    this.lastFailureAt = now
    switch (this.inner.value) {
      case 'closed':
        this.inner.failures++
        if (this.inner.failures >= this.options.failureThreshold) {
          this.transition(
            { value: 'open', lastFailureAt: now, failures: this.inner.failures },
            'failure_threshold'
          )
        }
        break
      case 'half_open':
        this.transition({ value: 'open', lastFailureAt: now, failures: 1 }, 'half_open_failure')
        break
      case 'open':
        // Late failures push recovery back: the upstream is evidently still failing.
        this.inner.lastFailureAt = now
        this.inner.failures++
        break
    }
  }

  /** Operator reset: back to closed with zeroed counts (totals are kept as history). */
  reset(): void {
    this.transition({ value: 'closed', failures: 0 }, 'reset')
  }

  private transition(next: InnerCircuitState, reason: string): void {
    const prev = this.inner
    const from = prev.value
    this.inner = next
    this.lastStateChangeAt = this.clock.now()
    if (next.value === 'open') this.openCount++
    const change: CircuitStateChange = {
      circuit_id: this.id,
      from_state: from,
      to_state: next.value,
      failure_count: next.value === 'half_open' ? 0 : next.failures,
      // Closing from half-open reports the successes that closed it, which is what a reader wants.
      success_count: prev.value === 'half_open' ? prev.successes : 0,
      reason
    }
    for (const l of this.listeners) l(change)
  }

  /** A serializable snapshot (`satisfies CircuitSnapshot`); pass it back as `initial` to rehydrate. */
  toJSON(): CircuitSnapshot {
    const i = this.inner
    return {
      circuit_id: this.id,
      state: i.value,
      failure_count: i.value === 'half_open' ? 0 : i.failures,
      success_count: i.value === 'half_open' ? i.successes : 0,
      half_open_calls: i.value === 'half_open' ? i.calls : 0,
      total_calls: this.totalCalls,
      total_failures: this.totalFailures,
      total_successes: this.totalSuccesses,
      open_count: this.openCount,
      last_failure_time: this.lastFailureAt === null ? null : this.lastFailureAt / 1000,
      last_state_change_time: this.lastStateChangeAt / 1000,
      recovers_at:
        i.value === 'open' ? (i.lastFailureAt + this.options.recoveryTimeoutMs) / 1000 : null,
      options: { ...this.options }
    } satisfies CircuitSnapshot
  }
}

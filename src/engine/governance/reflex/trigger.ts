import type { TriggerReason } from '../../../shared/neurorail/governance'
import type { Clock } from '../../clock'
import { GovernanceError } from '../errors'

/** Trigger tuning; the defaults are API §8's. */
export interface TriggerConfig {
  /** Error rate over the window (0–1) at or above which the trigger fires. */
  errorRateThreshold: number
  windowMs: number
  /** Outcomes needed in the window before the error rate counts. */
  minSamples: number
  /** Budget violations (since the last activation) at which the trigger fires. */
  budgetViolationThreshold: number
}

export const DEFAULT_TRIGGER_CONFIG: Readonly<TriggerConfig> = {
  errorRateThreshold: 0.5,
  windowMs: 60_000,
  minSamples: 5,
  budgetViolationThreshold: 3
}

/** Why a trigger fired. */
export type { TriggerReason }

/** One activation: what `trigger_activated` publishes, plus the NR-E141 error describing it. */
export interface TriggerActivation {
  trigger_id: string
  reason: TriggerReason
  /** Error rate over the window at the moment of firing (0 when there were no samples). */
  error_rate: number
  sample_count: number
  budget_violations: number
  activation_count: number
  /** The NR-E141 error BRAiN raises on activation, for audit rows and action reasons. */
  error: GovernanceError
}

/** A serializable trigger snapshot (GET /reflex/triggers). */
export interface TriggerSnapshot {
  trigger_id: string
  error_rate: number
  recent_event_count: number
  budget_violations: number
  activation_count: number
  /** Epoch seconds of the last activation, or null. */
  last_activation_time: number | null
  config: TriggerConfig
}

interface Outcome {
  at: number
  failed: boolean
}

/**
 * A reflex trigger (API §8): fires when the error rate over a sliding window reaches the
 * threshold with enough samples, or when budget violations reach their threshold.
 *
 * Unlike BRAiN, which keeps firing on every check once over the threshold, an activation clears
 * the evidence it used (the window's outcomes, or the violation count). One burst of failures
 * then causes one action, and the trigger re-arms on fresh evidence only.
 */
export class Trigger {
  /** Outcomes in the window are `outcomes[head…]`; `failedInWindow` counts the failed ones. */
  private outcomes: Outcome[] = []
  private head = 0
  private failedInWindow = 0
  private violations = 0
  private activations = 0
  private lastActivationAt: number | null = null
  readonly config: TriggerConfig

  /** @throws RangeError on a threshold outside 0–1 or non-positive window/sample counts. */
  constructor(
    readonly id: string,
    private readonly clock: Clock,
    config: Partial<TriggerConfig> = {}
  ) {
    this.config = { ...DEFAULT_TRIGGER_CONFIG, ...config }
    const c = this.config
    if (!(c.errorRateThreshold > 0 && c.errorRateThreshold <= 1)) {
      throw new RangeError('errorRateThreshold must be in (0, 1]')
    }
    if (c.windowMs <= 0 || c.minSamples < 1 || c.budgetViolationThreshold < 1) {
      throw new RangeError('windowMs, minSamples and budgetViolationThreshold must be positive')
    }
  }

  /** Records one finished call; returns the activation when this outcome makes the trigger fire. */
  recordOutcome(failed: boolean): TriggerActivation | null {
    const now = this.clock.now()
    this.prune(now)
    this.outcomes.push({ at: now, failed })
    if (failed) this.failedInWindow++
    const { rate, samples } = this.rate()
    if (samples >= this.config.minSamples && rate >= this.config.errorRateThreshold) {
      const activation = this.activate('error_rate', rate, samples, now)
      this.clearOutcomes()
      return activation
    }
    return null
  }

  /** Records one budget violation; returns the activation when the count reaches the threshold. */
  recordViolation(): TriggerActivation | null {
    const now = this.clock.now()
    this.prune(now)
    this.violations++
    if (this.violations >= this.config.budgetViolationThreshold) {
      const { rate, samples } = this.rate()
      const activation = this.activate('budget_violations', rate, samples, now)
      this.violations = 0
      return activation
    }
    return null
  }

  private activate(
    reason: TriggerReason,
    rate: number,
    samples: number,
    now: number
  ): TriggerActivation {
    this.activations++
    this.lastActivationAt = now
    const details = {
      trigger_id: this.id,
      reason,
      error_rate: rate,
      sample_count: samples,
      budget_violations: this.violations,
      activation_count: this.activations
    }
    const message =
      reason === 'error_rate'
        ? `Trigger ${this.id}: error rate ${(rate * 100).toFixed(0)}% over ${samples} calls in ${this.config.windowMs / 1000} s`
        : `Trigger ${this.id}: ${this.violations} budget violations`
    return { ...details, error: new GovernanceError('NR-E141', message, details) }
  }

  private prune(now: number): void {
    const cutoff = now - this.config.windowMs
    // Advance a head index rather than copying the window on every call: at a high call rate
    // the window holds tens of thousands of outcomes.
    while (this.head < this.outcomes.length && (this.outcomes[this.head] as Outcome).at <= cutoff) {
      if ((this.outcomes[this.head] as Outcome).failed) this.failedInWindow--
      this.head++
    }
    if (this.head === this.outcomes.length) this.clearOutcomes()
    else if (this.head >= 1024 && this.head * 2 >= this.outcomes.length) {
      this.outcomes = this.outcomes.slice(this.head)
      this.head = 0
    }
  }

  private clearOutcomes(): void {
    this.outcomes = []
    this.head = 0
    this.failedInWindow = 0
  }

  private rate(): { rate: number; samples: number } {
    const samples = this.outcomes.length - this.head
    if (samples === 0) return { rate: 0, samples }
    return { rate: this.failedInWindow / samples, samples }
  }

  /** True when the trigger holds no evidence: no outcome in the window and no pending violation. */
  idle(): boolean {
    this.prune(this.clock.now())
    return this.outcomes.length === this.head && this.violations === 0
  }

  /** A serializable snapshot; the window is pruned to now first. */
  toJSON(): TriggerSnapshot {
    this.prune(this.clock.now())
    const { rate, samples } = this.rate()
    return {
      trigger_id: this.id,
      error_rate: rate,
      recent_event_count: samples,
      budget_violations: this.violations,
      activation_count: this.activations,
      last_activation_time: this.lastActivationAt === null ? null : this.lastActivationAt / 1000,
      config: { ...this.config }
    }
  }
}

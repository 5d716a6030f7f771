/** One detector reading for one observed value. */
export interface Detection {
  /** Standardised distance from the baseline (positive = above it). 0 while warming up. */
  score: number
  anomalous: boolean
  /** The baseline the value was compared against (mean before this value). */
  baseline: number
  /** Values seen before this one. */
  samples: number
}

/** Anomaly detector over one numeric series. */
export interface Detector {
  readonly kind: 'zscore' | 'ewma'
  observe(value: number): Detection
}

export interface ZScoreOptions {
  /** How many recent values form the baseline. */
  window: number
  /** Values needed before the detector may flag anything. */
  minSamples: number
  /** |score| at or above which a value is anomalous. */
  threshold: number
  /**
   * Lower bound for the standard deviation. A perfectly steady series (every attempt 0 ms apart,
   * or no failure ever) has σ = 0 and would turn any change into an infinite score.
   */
  minStd: number
  /** Lower bound for σ relative to the mean (0.1 = 10 %), so jitter on large values is not news. */
  minRelStd: number
}

export const DEFAULT_ZSCORE: Readonly<ZScoreOptions> = { window: 50, minSamples: 10, threshold: 3, minStd: 1, minRelStd: 0 }

/**
 * Z-score over a sliding window: score = (x − mean) / σ of the previous `window` values. Good at
 * sudden jumps against a stable recent past; forgets completely after `window` values.
 */
export class ZScoreDetector implements Detector {
  readonly kind = 'zscore' as const
  private readonly values: number[] = []
  private readonly o: ZScoreOptions

  constructor(options: Partial<ZScoreOptions> = {}) {
    this.o = { ...DEFAULT_ZSCORE, ...options }
    if (this.o.window < 2 || this.o.minSamples < 2 || this.o.threshold <= 0 || this.o.minStd <= 0) {
      throw new RangeError('window and minSamples must be ≥ 2, threshold and minStd > 0')
    }
  }

  observe(value: number): Detection {
    const n = this.values.length
    let mean = 0
    for (const v of this.values) mean += v
    mean = n > 0 ? mean / n : value
    let variance = 0
    for (const v of this.values) variance += (v - mean) ** 2
    variance = n > 1 ? variance / (n - 1) : 0
    const std = Math.max(Math.sqrt(variance), this.o.minStd, this.o.minRelStd * Math.abs(mean))
    const score = n >= this.o.minSamples ? (value - mean) / std : 0
    this.values.push(value)
    if (this.values.length > this.o.window) this.values.shift()
    return { score, anomalous: n >= this.o.minSamples && Math.abs(score) >= this.o.threshold, baseline: mean, samples: n }
  }
}

export interface EwmaOptions {
  /** Weight of the newest value (0–1); higher adapts faster. */
  alpha: number
  threshold: number
  /** Values needed before the detector may flag anything. */
  warmup: number
  minStd: number
  minRelStd: number
}

export const DEFAULT_EWMA: Readonly<EwmaOptions> = { alpha: 0.2, threshold: 3, warmup: 10, minStd: 1, minRelStd: 0 }

/**
 * Exponentially weighted mean and variance: score = (x − ewma) / ewm-σ. Unlike the z-score it
 * never forgets entirely and needs O(1) memory; it is better at slow drifts that a window absorbs.
 */
export class EwmaDetector implements Detector {
  readonly kind = 'ewma' as const
  private mean = 0
  private variance = 0
  private n = 0
  private readonly o: EwmaOptions

  constructor(options: Partial<EwmaOptions> = {}) {
    this.o = { ...DEFAULT_EWMA, ...options }
    if (!(this.o.alpha > 0 && this.o.alpha <= 1) || this.o.threshold <= 0 || this.o.minStd <= 0) {
      throw new RangeError('alpha must be in (0, 1], threshold and minStd > 0')
    }
  }

  observe(value: number): Detection {
    const samples = this.n
    if (this.n === 0) {
      this.mean = value
      this.n = 1
      return { score: 0, anomalous: false, baseline: value, samples }
    }
    const baseline = this.mean
    const std = Math.max(Math.sqrt(this.variance), this.o.minStd, this.o.minRelStd * Math.abs(baseline))
    const score = samples >= this.o.warmup ? (value - baseline) / std : 0
    // West's incremental EWM variance: updated after scoring, so a spike is judged against the past.
    const diff = value - this.mean
    const incr = this.o.alpha * diff
    this.mean += incr
    this.variance = (1 - this.o.alpha) * (this.variance + diff * incr)
    this.n++
    return { score, anomalous: samples >= this.o.warmup && Math.abs(score) >= this.o.threshold, baseline, samples }
  }
}

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

/** What both detectors share: when a score counts as anomalous, and the floors of σ. */
export interface ScoreLimits {
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

export interface ZScoreOptions extends ScoreLimits {
  /** How many recent values form the baseline. */
  window: number
  /** Values needed before the detector may flag anything. */
  minSamples: number
}

/**
 * Scores `value` against `baseline` with σ = √`variance` raised to the floors of `limits`. While
 * not `warm` (too few samples) the score is 0 and nothing is anomalous.
 */
function detect(
  value: number,
  baseline: number,
  variance: number,
  samples: number,
  warm: boolean,
  limits: ScoreLimits
): Detection {
  const std = Math.max(Math.sqrt(variance), limits.minStd, limits.minRelStd * Math.abs(baseline))
  const score = warm ? (value - baseline) / std : 0
  return { score, anomalous: warm && Math.abs(score) >= limits.threshold, baseline, samples }
}

export const DEFAULT_ZSCORE: Readonly<ZScoreOptions> = {
  window: 50,
  minSamples: 10,
  threshold: 3,
  minStd: 1,
  minRelStd: 0
}

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
    const detection = detect(value, mean, variance, n, n >= this.o.minSamples, this.o)
    this.values.push(value)
    if (this.values.length > this.o.window) this.values.shift()
    return detection
  }
}

export interface EwmaOptions extends ScoreLimits {
  /** Weight of the newest value (0–1); higher adapts faster. */
  alpha: number
  /** Values needed before the detector may flag anything. */
  warmup: number
}

export const DEFAULT_EWMA: Readonly<EwmaOptions> = {
  alpha: 0.2,
  threshold: 3,
  warmup: 10,
  minStd: 1,
  minRelStd: 0
}

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
    const detection = detect(
      value,
      this.mean,
      this.variance,
      samples,
      samples >= this.o.warmup,
      this.o
    )
    // West's incremental EWM variance: updated after scoring, so a spike is judged against the past.
    const diff = value - this.mean
    const incr = this.o.alpha * diff
    this.mean += incr
    this.variance = (1 - this.o.alpha) * (this.variance + diff * incr)
    this.n++
    return detection
  }
}

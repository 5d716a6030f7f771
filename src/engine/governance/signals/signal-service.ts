import type { GovRuntime } from '../runtime'
import { EwmaDetector, ZScoreDetector, type Detection, type Detector } from './detectors'

/** The two metrics watched per job type. */
export type SignalMetric = 'latency_ms' | 'error_rate'

/** One anomaly signal (stored, listed by GET /signals, published on `signals`). */
export interface Signal {
  id: number
  signal_type: 'anomaly'
  timestamp: string
  job_type: string
  /** The attempt whose outcome produced the reading. */
  entity_id: string
  metric: SignalMetric
  detector: Detector['kind']
  value: number
  score: number
  baseline: number
  /** One sentence for the Overview: what moved and what to look at. */
  hint: string
}

/** Tuning of the signal service. */
export interface SignalOptions {
  /** Outcomes the rolling error rate is computed over. */
  errorRateWindow: number
  /** After a signal, the same job type, metric and detector stay quiet this long (ms). */
  quietMs: number
  /**
   * Job types watched at once. `job_type` is free text chosen by clients, so the detectors of the
   * least recently seen type are dropped past this (they warm up again if it comes back).
   */
  maxJobTypes: number
}

export const DEFAULT_SIGNAL_OPTIONS: SignalOptions = {
  errorRateWindow: 20,
  quietMs: 60_000,
  maxJobTypes: 1000
}

interface Watch {
  detectors: Record<SignalMetric, Detector[]>
  outcomes: boolean[]
}

/**
 * Anomaly signals: per job type, a z-score and an EWMA detector over attempt latency and over the
 * rolling error rate (last `errorRateWindow` outcomes). A reading beyond 3σ becomes a signal with
 * a hint. Detectors live in memory; after a restart they warm up again (10 readings) before
 * speaking, which is the right behaviour for a baseline that the restart may have changed.
 */
export class SignalService {
  private readonly watches = new Map<string, Watch>()
  private readonly quietUntil = new Map<string, number>()
  readonly options: SignalOptions

  constructor(
    private readonly rt: GovRuntime,
    options: Partial<SignalOptions> = {}
  ) {
    this.options = { ...DEFAULT_SIGNAL_OPTIONS, ...options }
  }

  /** Job types with detectors in memory (for tests and diagnostics). */
  get watchedJobTypes(): number {
    return this.watches.size
  }

  private watch(jobType: string): Watch {
    let w = this.watches.get(jobType)
    if (w) {
      // Touch: Map order is the LRU order (least recently seen first).
      this.watches.delete(jobType)
      this.watches.set(jobType, w)
    } else {
      w = {
        detectors: {
          // σ floors: latency 50 ms or 10 % of the mean (millisecond jitter of fast calls is not
          // an incident); error rate 0.05, i.e. a 15-point rise is 3σ on a clean record.
          latency_ms: [
            new ZScoreDetector({ minStd: 50, minRelStd: 0.1 }),
            new EwmaDetector({ minStd: 50, minRelStd: 0.1 })
          ],
          error_rate: [new ZScoreDetector({ minStd: 0.05 }), new EwmaDetector({ minStd: 0.05 })]
        },
        outcomes: []
      }
      this.watches.set(jobType, w)
      this.trim()
    }
    return w
  }

  /** Drops the least recently seen job types beyond `maxJobTypes`, with their quiet periods. */
  private trim(): void {
    const max = Math.max(1, Math.floor(this.options.maxJobTypes))
    while (this.watches.size > max) {
      const oldest = this.watches.keys().next().value
      if (oldest === undefined) break
      this.watches.delete(oldest)
      for (const key of this.quietUntil.keys())
        if (key.startsWith(`${oldest}|`)) this.quietUntil.delete(key)
    }
    // Quiet periods that are over mean nothing; sweep them once the map grows past the watches'.
    if (this.quietUntil.size > max * 4) {
      const now = this.rt.clock.now()
      for (const [key, until] of this.quietUntil) if (until <= now) this.quietUntil.delete(key)
    }
  }

  /** Feeds one finished attempt (runs inside the caller's transaction). */
  observeAttempt(jobType: string, attemptId: string, failed: boolean): void {
    const w = this.watch(jobType)
    w.outcomes.push(failed)
    if (w.outcomes.length > this.options.errorRateWindow) w.outcomes.shift()
    const rate = w.outcomes.filter(Boolean).length / w.outcomes.length
    this.feed(jobType, attemptId, 'error_rate', rate, w)
    const row = this.rt.s.store
      .prepare<[string], { duration_ms: number | null }>(
        'SELECT duration_ms FROM entity_metrics WHERE entity_id = ?'
      )
      .get(attemptId)
    if (row?.duration_ms !== null && row?.duration_ms !== undefined)
      this.feed(jobType, attemptId, 'latency_ms', row.duration_ms, w)
  }

  private feed(
    jobType: string,
    attemptId: string,
    metric: SignalMetric,
    value: number,
    w: Watch
  ): void {
    for (const d of w.detectors[metric]) {
      const r = d.observe(value)
      // Only rises matter: faster attempts or fewer errors are not incidents.
      if (!r.anomalous || r.score <= 0) continue
      const key = `${jobType}|${metric}|${d.kind}`
      const now = this.rt.clock.now()
      if ((this.quietUntil.get(key) ?? 0) > now) continue
      this.quietUntil.set(key, now + this.options.quietMs)
      this.emit(jobType, attemptId, metric, d.kind, value, r, now)
    }
  }

  private emit(
    jobType: string,
    attemptId: string,
    metric: SignalMetric,
    detector: Detector['kind'],
    value: number,
    r: Detection,
    now: number
  ): void {
    const hint = hintFor(jobType, metric, detector, value, r)
    const timestamp = new Date(now).toISOString()
    const res = this.rt.s.store
      .prepare(
        `INSERT INTO gov_signals (timestamp, ts_ms, job_type, entity_id, metric, detector, value, score, baseline, hint)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(timestamp, now, jobType, attemptId, metric, detector, value, r.score, r.baseline, hint)
    this.rt.s.events.publish('signals', 'anomaly_signal', {
      signal_id: Number(res.lastInsertRowid),
      signal_type: 'anomaly',
      job_type: jobType,
      entity_id: attemptId,
      attempt_id: attemptId,
      metric,
      detector,
      value,
      score: r.score,
      baseline: r.baseline,
      hint
    })
  }

  /** GET /signals: newest first. */
  list(limit: number): Signal[] {
    const rows = this.rt.s.store
      .prepare<unknown[], Record<string, unknown> & { seq: number }>(
        'SELECT * FROM gov_signals ORDER BY seq DESC LIMIT ?'
      )
      .all(limit)
    return rows.map((r) => ({
      id: r.seq,
      signal_type: 'anomaly',
      timestamp: r.timestamp as string,
      job_type: r.job_type as string,
      entity_id: (r.entity_id as string | null) ?? '',
      metric: r.metric as SignalMetric,
      detector: r.detector as Detector['kind'],
      value: r.value as number,
      score: r.score as number,
      baseline: r.baseline as number,
      hint: r.hint as string
    }))
  }
}

/** A sentence for people: the metric, how far it moved, and the likely next step. */
export function hintFor(
  jobType: string,
  metric: SignalMetric,
  detector: Detector['kind'],
  value: number,
  r: Detection
): string {
  const how = `${r.score.toFixed(1)}σ above its ${detector === 'ewma' ? 'moving average' : 'recent mean'}`
  if (metric === 'latency_ms') {
    return `${jobType} attempts slowed to ${Math.round(value)} ms (${how} of ${Math.round(r.baseline)} ms); check the upstream service or raise timeout_ms before timeouts start.`
  }
  return `${jobType} error rate rose to ${Math.round(value * 100)}% (${how} of ${Math.round(r.baseline * 100)}%); inspect recent failures before the circuit opens.`
}

import type { Statement } from 'better-sqlite3'
import type {
  EntityMetrics,
  EntityType,
  StateTransitionEvent,
  TelemetryReportRequest,
  TelemetrySnapshot
} from '../../shared/neurorail'
import { entityTypeOfId, isTerminalState } from '../../shared/neurorail'
import { notFound } from '../errors'
import type { IdentityService } from '../identity/service'
import type { Store } from '../store/store'
import { aggregateRow } from '../store/statements'

interface MetricsRow {
  entity_id: string
  entity_type: string
  started_ms: number | null
  completed_ms: number | null
  duration_ms: number | null
  llm_tokens_consumed: number
  cost_credits: number
  cpu_time_ms: number
  memory_peak_mb: number
  attempt_count: number
  retry_count: number
  success: number | null
  error_type: string | null
  error_category: string | null
}

const SUCCESS_STATES = new Set(['succeeded', 'completed'])
/** States that end one run of an entity, successful or not (failed_mechanical can be retried). */
const RUN_END_STATES = new Set(['failed_mechanical'])

/** Active = work in progress; pending = waiting to start (the snapshot's two counts). */
const ACTIVE_STATES = {
  mission: ['planning', 'planned', 'executing'],
  job: ['running'],
  attempt: ['running']
} as const
const PENDING_STATES = {
  mission: ['pending'],
  job: ['pending', 'ready', 'failed_mechanical']
} as const

const HOUR_MS = 3_600_000

/**
 * Sums over what lies below a mission, plan or job: `own` over the entity itself and its plans
 * and jobs (few rows, by id), `attempts` over its attempts' metrics. The attempts are walked from
 * the jobs through the attempts_job index and joined to their metrics row: an `IN (…)` list of a
 * million attempt ids would first be built as a temporary table (8× slower, measured).
 */
const SUM_COLUMNS =
  'COUNT(*) AS n, COALESCE(SUM(em.llm_tokens_consumed), 0) AS t, COALESCE(SUM(em.cost_credits), 0) AS c, ' +
  'COALESCE(SUM(em.cpu_time_ms), 0) AS cpu, COALESCE(MAX(em.memory_peak_mb), 0) AS mem, ' +
  'COALESCE(SUM(em.attempt_count), 0) AS a, COALESCE(SUM(em.retry_count), 0) AS r'
const DESCENDANTS = {
  mission: {
    own:
      `SELECT ${SUM_COLUMNS} FROM entity_metrics em WHERE em.entity_id = ? OR em.entity_id IN ` +
      '(SELECT plan_id FROM plans WHERE mission_id = ? UNION ALL SELECT job_id FROM jobs WHERE mission_id = ?)',
    attempts:
      `SELECT ${SUM_COLUMNS} FROM jobs j JOIN attempts a ON a.job_id = j.job_id ` +
      'JOIN entity_metrics em ON em.entity_id = a.attempt_id WHERE j.mission_id = ?',
    ownArgs: 3
  },
  plan: {
    own: `SELECT ${SUM_COLUMNS} FROM entity_metrics em WHERE em.entity_id = ? OR em.entity_id IN (SELECT job_id FROM jobs WHERE plan_id = ?)`,
    attempts:
      `SELECT ${SUM_COLUMNS} FROM jobs j JOIN attempts a ON a.job_id = j.job_id ` +
      'JOIN entity_metrics em ON em.entity_id = a.attempt_id WHERE j.plan_id = ?',
    ownArgs: 2
  },
  job: {
    own: `SELECT ${SUM_COLUMNS} FROM entity_metrics em WHERE em.entity_id = ?`,
    attempts: `SELECT ${SUM_COLUMNS} FROM attempts a JOIN entity_metrics em ON em.entity_id = a.attempt_id WHERE a.job_id = ?`,
    ownArgs: 1
  }
} as const

interface Sums {
  n: number
  t: number
  c: number
  cpu: number
  mem: number
  a: number
  r: number
}

const EMPTY_ROW: Omit<MetricsRow, 'entity_id' | 'entity_type'> = {
  started_ms: null,
  completed_ms: null,
  duration_ms: null,
  llm_tokens_consumed: 0,
  cost_credits: 0,
  cpu_time_ms: 0,
  memory_peak_mb: 0,
  attempt_count: 0,
  retry_count: 0,
  success: null,
  error_type: null,
  error_category: null
}

/** The error category a failure state implies when the agent gave none. */
function defaultErrorCategory(state: string): string | null {
  if (state === 'failed_ethical') return 'ethical'
  if (state === 'cancelled') return null
  return 'mechanical'
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

function toMetrics(r: MetricsRow): EntityMetrics {
  return {
    entity_id: r.entity_id,
    entity_type: r.entity_type,
    started_at: iso(r.started_ms),
    completed_at: iso(r.completed_ms),
    duration_ms: r.duration_ms,
    llm_tokens_consumed: r.llm_tokens_consumed,
    cpu_time_ms: r.cpu_time_ms,
    memory_peak_mb: r.memory_peak_mb,
    attempt_count: r.attempt_count,
    retry_count: r.retry_count,
    success: r.success === null ? null : r.success === 1,
    error_type: r.error_type,
    error_category: r.error_category,
    cost_credits: r.cost_credits
  }
}

/**
 * Per-entity execution metrics, derived from lifecycle transitions (start/end times, duration,
 * success, error fields, retries) and attempt creation (attempt_count), plus consumption that
 * agents report (tokens, cost, CPU, memory). The snapshot is computed live from current state.
 */
export class TelemetryService {
  private readonly ensure: Statement
  private readonly getRow: Statement<[string], MetricsRow>
  private readonly reportListeners: Array<(req: TelemetryReportRequest) => void> = []

  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService
  ) {
    this.ensure = this.store.prepare(
      'INSERT OR IGNORE INTO entity_metrics (entity_id, entity_type) VALUES (?, ?)'
    )
    this.getRow = this.store.prepare<[string], MetricsRow>(
      'SELECT * FROM entity_metrics WHERE entity_id = ?'
    )
    identity.addAttemptCreatedHook((jobId) => {
      this.ensure.run(jobId, 'job')
      this.store
        .prepare('UPDATE entity_metrics SET attempt_count = attempt_count + 1 WHERE entity_id = ?')
        .run(jobId)
    })
  }

  /** Updates the entity's metrics for a committed-to-be transition (called inside its transaction). */
  recordTransition(e: StateTransitionEvent, tsMs: number): void {
    const ends =
      e.to_state !== 'running' &&
      (isTerminalState(e.entity_type, e.to_state) || RUN_END_STATES.has(e.to_state))
    // The row appears with the entity's first transition; later ones that change no metric leave
    // it alone (rows are never deleted, so it is still there), which saves a write per transition.
    if (e.from_state === null || e.to_state === 'running' || ends)
      this.ensure.run(e.entity_id, e.entity_type)
    if (
      e.entity_type === 'mission' &&
      (ACTIVE_STATES.mission as readonly string[]).includes(e.to_state)
    ) {
      // A mission never enters `running`: it starts when it leaves pending (planning or executing),
      // so that a finished mission has a duration.
      this.ensure.run(e.entity_id, e.entity_type)
      this.store
        .prepare(
          'UPDATE entity_metrics SET started_ms = COALESCE(started_ms, ?) WHERE entity_id = ?'
        )
        .run(tsMs, e.entity_id)
      return
    }
    if (e.to_state === 'running') {
      // Duration runs from the first start; a retry re-opens the run and counts as a retry.
      this.store
        .prepare(
          'UPDATE entity_metrics SET started_ms = COALESCE(started_ms, ?) WHERE entity_id = ?'
        )
        .run(tsMs, e.entity_id)
      if (e.transition === 'retry') {
        this.store
          .prepare(
            'UPDATE entity_metrics SET retry_count = retry_count + 1, completed_ms = NULL, duration_ms = NULL, ' +
              'success = NULL WHERE entity_id = ?'
          )
          .run(e.entity_id)
      }
      return
    }
    if (!ends) return
    const success = SUCCESS_STATES.has(e.to_state)
    const md = e.metadata
    const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
    const errorType = success ? null : (str(md.error_type) ?? str(md.error_code) ?? e.to_state)
    const errorCategory = success
      ? null
      : (str(md.error_category) ?? defaultErrorCategory(e.to_state))
    this.store
      .prepare(
        `UPDATE entity_metrics SET completed_ms = ?,
         duration_ms = CASE WHEN started_ms IS NULL THEN NULL ELSE ? - started_ms END,
         success = ?, error_type = ?, error_category = ? WHERE entity_id = ?`
      )
      .run(tsMs, tsMs, success ? 1 : 0, errorType, errorCategory, e.entity_id)
  }

  /**
   * GET /telemetry/metrics/{id}: 404 `"Metrics for X not found"` when nothing was recorded. A
   * mission, plan or job answers with the sums over itself and everything below it (tokens, cost,
   * CPU, attempts, retries, violations; `includes_descendants`), so its telemetry says what its
   * work consumed; its times stay its own (a mission runs from its start to its end).
   */
  metrics(entityId: string): EntityMetrics {
    const row = this.getRow.get(entityId) as MetricsRow | undefined
    const anyType = entityTypeOfId(entityId)
    const type = anyType === 'mission' || anyType === 'plan' || anyType === 'job' ? anyType : null
    if (!type) {
      if (!row) throw notFound(`Metrics for ${entityId} not found`)
      return toMetrics(row)
    }
    const q = DESCENDANTS[type]
    const own = this.store.prepare(q.own).get(...Array<string>(q.ownArgs).fill(entityId)) as Sums
    const below = this.store.prepare(q.attempts).get(entityId) as Sums
    const sums: Sums = {
      n: own.n + below.n,
      t: own.t + below.t,
      c: own.c + below.c,
      cpu: own.cpu + below.cpu,
      mem: Math.max(own.mem, below.mem),
      a: own.a + below.a,
      r: own.r + below.r
    }
    if (!row && sums.n === 0) throw notFound(`Metrics for ${entityId} not found`)
    const base = row
      ? toMetrics(row)
      : toMetrics({ ...EMPTY_ROW, entity_id: entityId, entity_type: type })
    return {
      ...base,
      llm_tokens_consumed: sums.t,
      cost_credits: sums.c,
      cpu_time_ms: sums.cpu,
      memory_peak_mb: sums.mem,
      attempt_count: sums.a,
      retry_count: sums.r,
      violation_count: this.violationCount(type, entityId),
      includes_descendants: true
    }
  }

  /** Budget violations of a mission, plan or job (0 where governance keeps no ledger). */
  private violationCount(type: 'mission' | 'plan' | 'job', id: string): number {
    const sql =
      type === 'mission'
        ? 'SELECT COUNT(*) AS n FROM gov_violations WHERE mission_id = ?'
        : type === 'job'
          ? 'SELECT COUNT(*) AS n FROM gov_violations WHERE job_id = ?'
          : 'SELECT COUNT(*) AS n FROM gov_violations WHERE job_id IN (SELECT job_id FROM jobs WHERE plan_id = ?)'
    try {
      return (this.store.prepare(sql).get(id) as { n: number }).n
    } catch {
      // An engine store without the governance tables (a bare store in tests) has no violations.
      return 0
    }
  }

  /**
   * POST /telemetry/report: adds reported tokens, cost and CPU time to the entity's totals (agents
   * report increments as they go) and keeps the highest memory peak. 404 for an unknown entity.
   */
  report(req: TelemetryReportRequest): EntityMetrics {
    const type = entityTypeOfId(req.entity_id) as EntityType
    if (!this.identity.exists(type, req.entity_id))
      throw notFound(`Entity ${req.entity_id} not found`)
    return this.store.transaction(() => {
      this.ensure.run(req.entity_id, type)
      this.store
        .prepare(
          `UPDATE entity_metrics SET llm_tokens_consumed = llm_tokens_consumed + ?, cost_credits = cost_credits + ?,
             cpu_time_ms = cpu_time_ms + ?, memory_peak_mb = MAX(memory_peak_mb, ?) WHERE entity_id = ?`
        )
        .run(
          req.llm_tokens ?? 0,
          req.cost_credits ?? 0,
          req.cpu_time_ms ?? 0,
          req.memory_peak_mb ?? 0,
          req.entity_id
        )
      const metrics = this.metrics(req.entity_id)
      this.store.afterCommit(() => {
        for (const l of this.reportListeners) l(req)
      })
      return metrics
    })
  }

  /** Adds a listener called after each committed report (governance checks budgets there). */
  onReport(listener: (req: TelemetryReportRequest) => void): void {
    this.reportListeners.push(listener)
  }

  /**
   * GET /telemetry/snapshot, computed now: active and pending counts from current states, resources
   * by type, and over the last hour the attempt error rate and average/p95 attempt latency.
   */
  snapshot(nowMs = Date.now()): TelemetrySnapshot {
    const count = (type: string, states: readonly string[]): number =>
      aggregateRow(
        this.store.prepare<string[], { n: number }>(
          'SELECT COUNT(*) AS n FROM entity_state WHERE entity_type = ? ' +
            `AND current_state IN (${states.map(() => '?').join(',')})`
        ),
        type,
        ...states
      ).n
    const resources = this.store
      .prepare<unknown[], { k: string; n: number }>(
        'SELECT resource_type AS k, COUNT(*) AS n FROM resources GROUP BY resource_type'
      )
      .all()
    const since = nowMs - HOUR_MS
    const agg = aggregateRow(
      this.store.prepare<
        [number],
        { done: number; failed: number | null; avg: number | null; timed: number }
      >(
        `SELECT COUNT(*) AS done, SUM(success = 0) AS failed, AVG(duration_ms) AS avg, COUNT(duration_ms) AS timed
         FROM entity_metrics WHERE entity_type = 'attempt' AND completed_ms >= ?`
      ),
      since
    )
    let p95 = 0
    if (agg.timed > 0) {
      const offset = Math.min(agg.timed - 1, Math.ceil(agg.timed * 0.95) - 1)
      const row = this.store
        .prepare<unknown[], { d: number }>(
          `SELECT duration_ms AS d FROM entity_metrics
           WHERE entity_type = 'attempt' AND completed_ms >= ? AND duration_ms IS NOT NULL
           ORDER BY duration_ms LIMIT 1 OFFSET ?`
        )
        .get(since, offset)
      p95 = row?.d ?? 0
    }
    return {
      timestamp: new Date(nowMs).toISOString(),
      active_missions: count('mission', ACTIVE_STATES.mission),
      active_jobs: count('job', ACTIVE_STATES.job),
      active_attempts: count('attempt', ACTIVE_STATES.attempt),
      pending_missions: count('mission', PENDING_STATES.mission),
      pending_jobs: count('job', PENDING_STATES.job),
      resources_by_type: Object.fromEntries(resources.map((r) => [r.k, r.n])),
      error_rate_1h: agg.done > 0 ? (agg.failed ?? 0) / agg.done : 0,
      avg_latency_1h_ms: agg.avg ?? 0,
      p95_latency_1h_ms: p95
    }
  }

  /**
   * Duration histograms per entity type for /metrics, in one aggregate query (cumulative buckets
   * as Prometheus wants them).
   */
  durationHistograms(
    bounds: readonly number[]
  ): Array<{ entity_type: string; buckets: number[]; count: number; sum: number }> {
    const cols = bounds.map((b, i) => `SUM(duration_ms <= ${Number(b)}) AS b${i}`).join(', ')
    const rows = this.store
      .prepare<unknown[], Record<string, number | string>>(
        `SELECT entity_type, ${cols}, COUNT(*) AS n, SUM(duration_ms) AS s FROM entity_metrics ` +
          'WHERE duration_ms IS NOT NULL GROUP BY entity_type'
      )
      .all()
    return rows.map((r) => ({
      entity_type: String(r.entity_type),
      buckets: bounds.map((_, i) => Number(r[`b${i}`] ?? 0)),
      count: Number(r.n),
      sum: Number(r.s ?? 0)
    }))
  }
}

import {
  BudgetSchema,
  ERROR_CODES,
  type Budget,
  type NeuroRailErrorCode,
  type Page
} from '../../../shared/neurorail'
import { DomainError, notFound } from '../../errors'
import { toValidationIssues } from '../../validation-issues'
import { timestampId } from '../../identity/ids'
import { seqBefore, seqPage } from '../../store/cursor'
import { parseJsonColumn } from '../../store/json'
import { Sequence } from '../../store/sequence'
import { Where } from '../../store/where'
import { jobConsumption, jobContext, readJob, runningAttemptsOfJob, type JobInfo } from '../jobs'
import type { ManifestService } from '../manifest/manifest-service'
import type { GovRuntime } from '../runtime'
import type { RetryHistoryEntry, Violation, ViolationType } from './checks'
import {
  BudgetOverrideSchema,
  resolveBudget,
  type BudgetOverride,
  type BudgetSource
} from './resolve'
import { aggregateRow } from '../../store/statements'

/** A job's stored budget row. */
export interface JobBudget {
  job_id: string
  job_type: string
  budget: Budget
  source: BudgetSource
  rule_id: string | null
  manifest_version: string | null
  retries_used: number
  retry_history: RetryHistoryEntry[]
  /** The backoff advised before the last retry (ms), null before any retry. */
  last_backoff_ms: number | null
}

/** GET /budget/jobs/{job_id}: the budget, what has been used, and the job's violations. */
export interface JobBudgetView extends JobBudget {
  usage: {
    llm_tokens: number
    cost_credits: number
    /** Attempts created for the job. */
    attempts: number
    running_attempts: number
    retries: number
    /** Fractions of each limit used (null when the limit is unset). */
    fractions: { llm_tokens: number | null; cost_credits: number | null; retries: number | null }
  }
  violations: StoredViolation[]
}

/** One stored violation (GET /budget/violations items). */
export interface StoredViolation {
  violation_id: string
  timestamp: string
  mission_id: string | null
  job_id: string | null
  attempt_id: string | null
  job_type: string | null
  violation_type: ViolationType
  code: string
  severity: string
  message: string
  details: Record<string, unknown>
  /** What the engine did about it (refused, attempt_failed_timeout, …). */
  action_taken: string
}

/** Where a violation happened. */
export interface ViolationScope {
  job: JobInfo
  attempt_id: string | null
}

/** Event names of the `enforcement` channel per violation type (API §6), besides `budget_violation`. */
const SPECIFIC_EVENT: Partial<Record<ViolationType, 'timeout_enforced' | 'parallelism_rejected'>> =
  {
    timeout: 'timeout_enforced',
    parallelism: 'parallelism_rejected'
  }

interface BudgetRow {
  job_id: string
  job_type: string
  budget: string
  source: BudgetSource
  rule_id: string | null
  manifest_version: string | null
  retries_used: number
  retry_history: string
  last_backoff_ms: number | null
}

/**
 * Job budgets and the violation ledger. A job's budget is resolved once (job metadata over the
 * active manifest's rule over §8 defaults) and stored, so later manifest changes do not move the
 * goalposts of jobs already running. Every violation is stored, audited (governance category,
 * severity from the error registry) and published on `enforcement` in one transaction.
 */
export class BudgetService {
  private readonly seq: Sequence
  private readonly violationListeners: Array<(v: StoredViolation, scope: ViolationScope) => void> =
    []

  constructor(
    private readonly rt: GovRuntime,
    private readonly manifests: ManifestService
  ) {
    this.seq = new Sequence(rt.s.store.db, 'gov_violations', 'seq')
  }

  /** Subscribes to recorded violations (after commit); the reflex triggers count them. */
  onViolation(listener: (v: StoredViolation, scope: ViolationScope) => void): void {
    this.violationListeners.push(listener)
  }

  /**
   * Validates `metadata.budget` of a job being created; throws a FastAPI-style 422 (loc
   * `body.metadata.budget.<field>`) so clients see the same error shape as any other bad body.
   */
  validateMetadataBudget(metadata: Record<string, unknown>): BudgetOverride | null {
    if (metadata.budget === undefined || metadata.budget === null) return null
    const parsed = BudgetOverrideSchema.safeParse(metadata.budget)
    if (parsed.success) return parsed.data
    throw new DomainError(
      'invalid_input',
      toValidationIssues(parsed.error, 'body', metadata.budget).map((i) => ({
        ...i,
        loc: ['body', 'metadata', 'budget', ...i.loc.slice(1)]
      }))
    )
  }

  /** The job's stored budget, resolving and storing it on first use. Joins the caller's transaction. */
  ensure(job: JobInfo): JobBudget {
    const existing = this.read(job.job_id)
    if (existing) return existing
    // A job whose metadata budget is invalid was refused at creation; one that slipped in anyway
    // (created before governance existed) falls back to the manifest and defaults.
    let override: BudgetOverride | null = null
    try {
      override = this.validateMetadataBudget(job.metadata)
    } catch {
      override = null
    }
    const evaluation = this.manifests.evaluate(
      { job_type: job.job_type, context: jobContext(job.metadata) },
      'job',
      { job_id: job.job_id }
    )
    const v = evaluation.verdict
    const resolved = resolveBudget(
      override,
      evaluation.fromManifest && v.rule_id ? { budget: v.budget, rule_id: v.rule_id } : null
    )
    const row: JobBudget = {
      job_id: job.job_id,
      job_type: job.job_type,
      budget: resolved.budget,
      source: resolved.source,
      rule_id: resolved.rule_id,
      manifest_version: evaluation.fromManifest ? `${v.manifest.name}@${v.manifest.version}` : null,
      retries_used: 0,
      retry_history: [],
      last_backoff_ms: null
    }
    this.rt.s.store
      .prepare(
        `INSERT INTO gov_job_budgets (job_id, job_type, budget, source, rule_id, manifest_version, created_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        row.job_id,
        row.job_type,
        JSON.stringify(row.budget),
        row.source,
        row.rule_id,
        row.manifest_version,
        this.rt.clock.now()
      )
    return row
  }

  /** The stored budget of a job, or null when none was resolved yet. */
  read(jobId: string): JobBudget | null {
    const r = this.rt.s.store
      .prepare<unknown[], BudgetRow>('SELECT * FROM gov_job_budgets WHERE job_id = ?')
      .get(jobId)
    if (!r) return null
    return {
      job_id: r.job_id,
      job_type: r.job_type,
      budget: BudgetSchema.parse(parseJsonColumn(r.budget, {})),
      source: r.source,
      rule_id: r.rule_id,
      manifest_version: r.manifest_version,
      retries_used: r.retries_used,
      retry_history: parseJsonColumn<RetryHistoryEntry[]>(r.retry_history, []),
      last_backoff_ms: r.last_backoff_ms
    }
  }

  /** Counts one granted retry (inside the retry transition's transaction). */
  countRetry(jobId: string, entry: RetryHistoryEntry, backoffMs: number): void {
    this.rt.s.store
      .prepare(
        `UPDATE gov_job_budgets SET retries_used = retries_used + 1, last_backoff_ms = ?,
           retry_history = json_insert(retry_history, '$[#]', json(?)) WHERE job_id = ?`
      )
      .run(backoffMs, JSON.stringify(entry), jobId)
  }

  /**
   * Stores, audits and publishes one violation (joins the caller's transaction): `budget_violation`
   * always, plus `timeout_enforced` or `parallelism_rejected` for those types.
   */
  record(v: Violation, scope: ViolationScope, actionTaken: string): StoredViolation {
    const now = this.rt.clock.now()
    const seq = this.seq.take()
    const err = v.error.error
    const info = ERROR_CODES[err.code as NeuroRailErrorCode]
    const stored: StoredViolation = {
      violation_id: timestampId('evt', now, seq).replace(/^evt_/, 'vio_'),
      timestamp: new Date(now).toISOString(),
      mission_id: scope.job.mission_id,
      job_id: scope.job.job_id,
      attempt_id: scope.attempt_id,
      job_type: scope.job.job_type,
      violation_type: v.type,
      code: err.code,
      severity: err.severity,
      message: err.message,
      details: err.details,
      action_taken: actionTaken
    }
    const s = this.rt.s
    s.store
      .prepare(
        `INSERT INTO gov_violations (seq, violation_id, timestamp, ts_ms, mission_id, job_id, attempt_id, job_type, violation_type, code, severity, message, details, action_taken)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        seq,
        stored.violation_id,
        stored.timestamp,
        now,
        stored.mission_id,
        stored.job_id,
        stored.attempt_id,
        stored.job_type,
        stored.violation_type,
        stored.code,
        stored.severity,
        stored.message,
        JSON.stringify(stored.details),
        actionTaken
      )
    // The audit copy carries the event's data as details: consumers read facts from either copy.
    const data = {
      violation_id: stored.violation_id,
      violation_type: v.type,
      code: err.code,
      severity: err.severity,
      message: err.message,
      mission_id: stored.mission_id,
      job_id: stored.job_id,
      attempt_id: stored.attempt_id,
      job_type: stored.job_type,
      action_taken: actionTaken,
      details: err.details
    }
    s.audit.write(
      {
        mission_id: stored.mission_id,
        plan_id: scope.job.plan_id,
        job_id: stored.job_id,
        attempt_id: stored.attempt_id,
        resource_uuid: null,
        event_type: 'budget_violation',
        // Budget breaches are governance; the immune-alert codes (timeouts, cost) are safety.
        event_category: info?.immuneAlert ? 'safety' : 'governance',
        severity: err.severity,
        message: `${err.code} ${err.message}`,
        details: data,
        caused_by_agent: 'governance',
        caused_by_event: stored.violation_id
      },
      now
    )
    s.events.publish('enforcement', 'budget_violation', data)
    const specific = SPECIFIC_EVENT[v.type]
    if (specific === 'timeout_enforced') {
      s.events.publish('enforcement', specific, {
        ...data,
        grace_period_invoked: err.details.grace_period_invoked === true
      })
    } else if (specific) {
      s.events.publish('enforcement', specific, data)
    }
    s.store.afterCommit(() => {
      for (const l of this.violationListeners) l(stored, scope)
    })
    return stored
  }

  /** GET /budget/jobs/{job_id}. 404 for an unknown job; resolves the budget if not yet done. */
  view(jobId: string): JobBudgetView {
    const job = readJob(this.rt.s.store, jobId)
    if (!job) throw notFound(`Job ${jobId} not found`)
    const b = this.rt.s.store.transaction(() => this.ensure(job))
    const used = jobConsumption(this.rt.s.store, jobId)
    const frac = (used: number, limit: number | null): number | null =>
      limit === null || limit === 0 ? null : used / limit
    return {
      ...b,
      usage: {
        ...used,
        attempts: aggregateRow(
          this.rt.s.store.prepare<[string], { n: number }>(
            'SELECT COUNT(*) AS n FROM attempts WHERE job_id = ?'
          ),
          jobId
        ).n,
        running_attempts: runningAttemptsOfJob(this.rt.s.store, jobId).length,
        retries: b.retries_used,
        fractions: {
          llm_tokens: frac(used.llm_tokens, b.budget.max_llm_tokens),
          cost_credits: frac(used.cost_credits, b.budget.max_cost_credits),
          retries: b.budget.max_retries === 0 ? null : b.retries_used / b.budget.max_retries
        }
      },
      violations: this.list({ job_id: jobId }, undefined, 100).items
    }
  }

  /** GET /budget/violations: newest first, keyset-paged, optionally for one job or type. */
  list(
    filter: { job_id?: string; violation_type?: string },
    cursor: string | undefined,
    limit: number
  ): Page<StoredViolation> {
    const where = new Where()
      .add('seq < ?', seqBefore(cursor))
      .equals('job_id', filter.job_id)
      .equals('violation_type', filter.violation_type)
    const rows = this.rt.s.store
      .prepare<unknown[], Record<string, unknown> & { seq: number; details: string }>(
        `SELECT * FROM gov_violations ${where.clause()} ORDER BY seq DESC LIMIT ?`
      )
      .all(...where.params, limit + 1)
    return seqPage(rows, limit, (r) => {
      const { seq: _seq, ts_ms: _ts, details, ...rest } = r
      return {
        ...(rest as unknown as Omit<StoredViolation, 'details'>),
        details: parseJsonColumn(details, {})
      }
    })
  }
}

import {
  JobStateSchema,
  type StateTransitionEvent,
  type TelemetryReportRequest
} from '../../shared/neurorail'
import type { TransitionGuardContext } from '../lifecycle/service'
import { AttemptTimers, type Overrun } from './budget/attempt-timers'
import { backoffDelay } from '../../shared/backoff'
import type { BudgetService } from './budget/budget-service'
import type { GiveUps } from './budget/give-up'
import {
  checkCost,
  checkParallelism,
  checkRetry,
  checkTokens,
  timeoutViolation,
  type Violation
} from './budget/checks'
import {
  jobConsumption,
  jobOfAttempt,
  readJob,
  runningAttemptCount,
  runningAttemptsOfJob,
  type JobInfo
} from './jobs'
import type { ReflexService } from './reflex/reflex-service'
import type { GovRuntime } from './runtime'
import type { SignalService } from './signals/signal-service'

/** The actor name governance writes into `caused_by` of the transitions it makes. */
export const GOVERNANCE_ACTOR = 'governance'

const ATTEMPT_FAILED = new Set(['failed_timeout', 'failed_resource', 'failed_error'])
/** Job states the reflex machine follows (see afterJob): every one from the start on. */
const JOB_FOLLOW_UP = new Set<string>(JobStateSchema.exclude(['pending', 'ready']).options)

/**
 * Where budgets and reflexes meet the lifecycle. Everything here is server-side, so any client
 * is governed, not only our SDK:
 * - a guard inside every transition refuses what the budget or a reflex forbids (cooldown NR-E006,
 *   parallelism NR-E102, open circuit NR-E140, exhausted retries NR-E101, spent tokens or
 *   credits NR-E104/E103) and counts granted retries;
 * - a listener after every transition arms and disarms the attempt deadlines and feeds outcomes
 *   to breakers, triggers and anomaly detectors;
 * - the attempt deadline and the telemetry report hook stop overrunning attempts themselves.
 */
export class Enforcer {
  readonly timers: AttemptTimers

  constructor(
    private readonly rt: GovRuntime,
    private readonly budgets: BudgetService,
    private readonly reflex: ReflexService,
    private readonly signals: SignalService,
    private readonly giveUps: GiveUps
  ) {
    this.timers = new AttemptTimers(rt.clock, (o) => this.onOverrun(o))
  }

  /** Re-arms deadlines of attempts left running by a previous engine process. */
  rearm(): void {
    const rows = this.rt.s.store
      .prepare<unknown[], { attempt_id: string; job_id: string; started: number | null }>(
        `SELECT s.entity_id AS attempt_id, a.job_id AS job_id,
           (SELECT MAX(t.ts_ms) FROM transitions t WHERE t.entity_id = s.entity_id AND t.to_state = 'running') AS started
         FROM entity_state s JOIN attempts a ON a.attempt_id = s.entity_id
         WHERE s.entity_type = 'attempt' AND s.current_state = 'running'`
      )
      .all()
    for (const r of rows) {
      const job = readJob(this.rt.s.store, r.job_id)
      if (!job) continue
      const b = this.rt.s.store.transaction(() => this.budgets.ensure(job))
      this.timers.arm(r.attempt_id, r.job_id, b.budget, r.started ?? this.rt.clock.now())
    }
  }

  // ---- guard (inside the transition's transaction)

  /** The lifecycle guard. Throws a GovernanceError (with retryAfterMs when the refusal ends by itself). */
  guard(ctx: TransitionGuardContext): void {
    if (ctx.entityType === 'job') this.guardJob(ctx)
    else if (ctx.entityType === 'attempt' && ctx.toState === 'running') this.guardAttemptStart(ctx)
  }

  private guardJob(ctx: TransitionGuardContext): void {
    // Most job transitions need nothing from governance: leave before touching the store.
    if (ctx.action !== 'create' && ctx.toState !== 'running') return
    const job = readJob(this.rt.s.store, ctx.entityId)
    if (!job) return
    if (ctx.action === 'create') {
      this.budgets.ensure(job)
      return
    }
    this.reflex.jobs.assertMayRun(job.job_id)
    if (ctx.action !== 'retry') return
    const b = this.budgets.ensure(job)
    const used = jobConsumption(this.rt.s.store, job.job_id)
    const spent =
      checkTokens(b.budget, used.llm_tokens, '') ?? checkCost(b.budget, used.cost_credits, '')
    if (spent) this.refuse(spent, job, null, 'retry_refused')
    const lastError = typeof ctx.metadata.error === 'string' ? ctx.metadata.error : null
    const entry = {
      attempt: b.retries_used + 1,
      error: lastError ?? (typeof ctx.metadata.reason === 'string' ? ctx.metadata.reason : null),
      error_type: typeof ctx.metadata.error_type === 'string' ? ctx.metadata.error_type : null,
      retriable: true,
      elapsed_ms: null
    }
    /** The `retry_attempted` event of this retry, refused or let through. */
    const retryAttempted = (success: boolean, outcome: Record<string, unknown>) =>
      this.rt.s.events.publish('enforcement', 'retry_attempted', {
        job_id: job.job_id,
        mission_id: job.mission_id,
        success,
        retry_number: b.retries_used + 1,
        max_retries: b.budget.max_retries,
        ...outcome
      })
    const exhausted = checkRetry(b.budget, job.job_id, b.retries_used, [...b.retry_history, entry])
    if (exhausted) {
      this.rt.later(() => retryAttempted(false, { code: 'NR-E101' }))
      this.refuse(exhausted, job, null, 'retry_refused')
    }
    const backoff = backoffDelay(b.retries_used)
    this.budgets.countRetry(job.job_id, entry, backoff)
    // Advice to the agent: §8's backoff for this retry. The engine does not hold the retry back.
    retryAttempted(true, { backoff_ms: backoff })
  }

  private guardAttemptStart(ctx: TransitionGuardContext): void {
    const jobId = ctx.chain.job_id ?? jobOfAttempt(this.rt.s.store, ctx.entityId)
    if (!jobId) return
    const job = readJob(this.rt.s.store, jobId)
    if (!job) return
    const b = this.budgets.ensure(job)
    // Cooldown first: a suspended job is refused for that reason, whatever else is true.
    this.reflex.jobs.assertMayRun(job.job_id)
    const store = this.rt.s.store
    const parallel = checkParallelism(
      b.budget,
      job.job_id,
      runningAttemptsOfJob(store, job.job_id).length,
      runningAttemptCount(store)
    )
    if (parallel) this.refuse(parallel, job, ctx.entityId, 'refused')
    // Last, because admission has side effects (a half-open probe slot is taken).
    this.reflex.admit(job)
  }

  /** Records a refusal after its transaction rolls back, then throws it. */
  private refuse(v: Violation, job: JobInfo, attemptId: string | null, actionTaken: string): never {
    this.rt.later(() => this.budgets.record(v, { job, attempt_id: attemptId }, actionTaken))
    throw v.error
  }

  // ---- after commit

  /** The lifecycle listener (after commit). */
  onTransition(e: StateTransitionEvent, jobIdFromChain: string | null): void {
    const relevant =
      e.entity_type === 'attempt'
        ? e.to_state === 'running' || e.from_state === 'running'
        : e.entity_type === 'job' && JOB_FOLLOW_UP.has(e.to_state)
    if (!relevant) return
    this.rt.run('transition follow-up', () => {
      if (e.entity_type === 'attempt') this.afterAttempt(e, jobIdFromChain)
      else if (e.entity_type === 'job') this.afterJob(e)
    })
  }

  private afterAttempt(e: StateTransitionEvent, jobIdFromChain: string | null): void {
    const jobId = jobIdFromChain ?? jobOfAttempt(this.rt.s.store, e.entity_id)
    const job = jobId ? readJob(this.rt.s.store, jobId) : null
    if (!job) return
    if (e.to_state === 'running') {
      const b = this.budgets.ensure(job)
      this.timers.arm(e.entity_id, job.job_id, b.budget, Date.parse(e.timestamp))
      this.reflex.ensureRunning(job.job_id, 'attempt_started')
      return
    }
    if (e.from_state !== 'running') return
    this.timers.disarm(e.entity_id)
    if (e.to_state === 'failed_timeout') this.recordClientTimeout(e, job)
    const failed = ATTEMPT_FAILED.has(e.to_state)
    this.reflex.recordOutcome(job, failed)
    this.signals.observeAttempt(job.job_type, e.entity_id, failed)
  }

  private afterJob(e: StateTransitionEvent): void {
    switch (e.to_state) {
      case 'running':
        this.giveUps.clear(e.entity_id)
        this.reflex.ensureRunning(e.entity_id, 'job_started')
        break
      case 'failed_mechanical':
        this.markIfRetriesSpent(e.entity_id)
        break
      case 'succeeded':
        this.reflex.settle(e.entity_id, 'completed', 'job_succeeded')
        break
      case 'failed_ethical':
      case 'timeout':
        this.reflex.settle(e.entity_id, 'failed', `job_${e.to_state}`)
        break
      case 'cancelled':
        this.reflex.settle(e.entity_id, 'cancelled', 'job_cancelled')
        break
    }
  }

  /**
   * A job failed with its retries used up can never run again (a retry would be refused with
   * NR-E101): mark it given up, whoever drives it, so it stops counting as awaiting retry.
   */
  private markIfRetriesSpent(jobId: string): void {
    const job = readJob(this.rt.s.store, jobId)
    if (!job) return
    const b = this.budgets.ensure(job)
    if (b.retries_used < b.budget.max_retries) return
    this.giveUps.mark(
      job,
      'failed_mechanical',
      'NR-E101',
      `retry budget used up (${b.retries_used} of ${b.budget.max_retries} retries)`,
      GOVERNANCE_ACTOR
    )
  }

  /**
   * An attempt the client moved to failed_timeout (the SDK stops it at `timeout_ms`, before our
   * own timer at timeout + grace fires) is still a timeout violation: without this the ledger,
   * /metrics and the Budget page would count only the timeouts the agent failed to enforce.
   * Recorded once per attempt: the engine's own timer records its violation in the transaction
   * that times the attempt out, so by the time this after-commit listener runs the row exists.
   * The lifecycle move is the client's, so the job is left to it (the SDK ends it in `timeout`).
   */
  private recordClientTimeout(e: StateTransitionEvent, job: JobInfo): void {
    const store = this.rt.s.store
    // job_id first: it is the indexed column (gov_violations_job), attempt_id is not.
    const seen = store
      .prepare(
        `SELECT 1 FROM gov_violations WHERE job_id = ? AND attempt_id = ? AND violation_type = 'timeout' LIMIT 1`
      )
      .get(job.job_id, e.entity_id)
    if (seen) return
    const started = store
      .prepare<unknown[], { t: number | null }>(
        `SELECT MAX(ts_ms) AS t FROM transitions WHERE entity_id = ? AND to_state = 'running'`
      )
      .get(e.entity_id)
    const ended = Date.parse(e.timestamp)
    const elapsed = started?.t != null ? Math.max(0, ended - started.t) : 0
    const b = this.budgets.ensure(job)
    const v = timeoutViolation(b.budget, elapsed, e.entity_id, 'client')
    if (e.caused_by !== null) v.error.error.details.reported_by = e.caused_by
    this.budgets.record(v, { job, attempt_id: e.entity_id }, 'attempt_failed_timeout_by_client')
  }

  // ---- enforcement actions

  private onOverrun(o: Overrun): void {
    this.rt.run('timeout enforcement', () => {
      const s = this.rt.s
      if (s.lifecycle.currentState(o.attemptId) !== 'running') return
      const job = readJob(s.store, o.jobId)
      if (!job) return
      const v = timeoutViolation(o.budget, o.elapsedMs, o.attemptId)
      const md = {
        error_code: v.error.code,
        error_type: v.error.code,
        error_category: 'mechanical',
        error: v.error.error.message,
        nr_error: v.error.error
      }
      s.lifecycle.transition('attempt', o.attemptId, 'timeout', md, GOVERNANCE_ACTOR)
      const jobAction = this.failJob(job, md, true)
      this.budgets.record(
        v,
        { job, attempt_id: o.attemptId },
        ['attempt_failed_timeout', jobAction].filter(Boolean).join('; ')
      )
    })
  }

  /**
   * Fails a running job after an enforced attempt failure: failed_mechanical while retries
   * remain (the agent may retry), else timeout for a timeout (terminal). Returns what was done.
   */
  private failJob(job: JobInfo, md: Record<string, unknown>, isTimeout: boolean): string {
    const s = this.rt.s
    if (s.lifecycle.currentState(job.job_id) !== 'running') return ''
    const b = this.budgets.ensure(job)
    if (isTimeout && b.retries_used >= b.budget.max_retries) {
      s.lifecycle.transition('job', job.job_id, 'timeout', md, GOVERNANCE_ACTOR)
      return 'job_timeout'
    }
    s.lifecycle.transition('job', job.job_id, 'fail', md, GOVERNANCE_ACTOR)
    return 'job_failed_mechanical'
  }

  /**
   * After a telemetry report: publishes `cost_tracked`, and when the job's tokens or credits pass
   * its budget, fails its running attempts (failed_resource) and the job, and records the
   * violation. A report that crosses the limit is a violation even when nothing is running; later
   * reports on an already-stopped job are not counted again.
   */
  onReport(req: TelemetryReportRequest): void {
    if (req.llm_tokens === undefined && req.cost_credits === undefined) return
    this.rt.run('cost enforcement', () => {
      const s = this.rt.s
      const isAttempt = req.entity_id.startsWith('a_')
      const jobId = isAttempt
        ? jobOfAttempt(s.store, req.entity_id)
        : req.entity_id.startsWith('j_')
          ? req.entity_id
          : null
      if (!jobId) return
      const job = readJob(s.store, jobId)
      if (!job) return
      const b = this.budgets.ensure(job)
      const used = jobConsumption(s.store, jobId)
      const attemptId = isAttempt ? req.entity_id : null
      s.events.publish('enforcement', 'cost_tracked', {
        job_id: jobId,
        attempt_id: attemptId,
        mission_id: job.mission_id,
        llm_tokens: req.llm_tokens ?? 0,
        cost: req.cost_credits ?? 0,
        total_llm_tokens: used.llm_tokens,
        total_cost: used.cost_credits,
        max_llm_tokens: b.budget.max_llm_tokens,
        max_cost_credits: b.budget.max_cost_credits
      })
      const checks: Array<{ v: Violation | null; before: number; limit: number | null }> = [
        {
          v: checkTokens(b.budget, used.llm_tokens, attemptId ?? ''),
          before: used.llm_tokens - (req.llm_tokens ?? 0),
          limit: b.budget.max_llm_tokens
        },
        {
          v: checkCost(b.budget, used.cost_credits, attemptId ?? ''),
          before: used.cost_credits - (req.cost_credits ?? 0),
          limit: b.budget.max_cost_credits
        }
      ]
      const running = runningAttemptsOfJob(s.store, jobId)
      const jobRunning = s.lifecycle.currentState(jobId) === 'running'
      for (const { v, before, limit } of checks) {
        if (!v || limit === null) continue
        const crossedNow = before <= limit
        if (!crossedNow && running.length === 0 && !jobRunning) continue
        const md = {
          error_code: 'RESOURCE_BUDGET_EXCEEDED',
          error_type: v.error.code,
          error_category: 'mechanical',
          error: v.error.error.message,
          nr_error: v.error.error
        }
        const done: string[] = []
        for (const a of runningAttemptsOfJob(s.store, jobId)) {
          s.lifecycle.transition('attempt', a, 'fail', md, GOVERNANCE_ACTOR)
          done.push(`attempt ${a} failed_resource`)
        }
        const jobAction = this.failJob(job, md, false)
        if (jobAction) done.push(jobAction)
        this.budgets.record(
          v,
          { job, attempt_id: attemptId ?? running[0] ?? null },
          done.length ? done.join('; ') : 'recorded'
        )
      }
    })
  }

  /** Stops every deadline (engine shutdown). */
  close(): void {
    this.timers.close()
  }
}

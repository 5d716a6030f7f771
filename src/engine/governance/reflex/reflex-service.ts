import {
  REFLEX_ACTION_TYPES,
  type RecordedReflexAction,
  type ReflexActionType
} from '../../../shared/neurorail/governance'
import { makeNeuroRailError, type AuditSeverity, type Page } from '../../../shared/neurorail'
import { isDomainError, notFound, type DomainError } from '../../errors'
import { decodeCursor, encodeCursor, readSeqPage } from '../../store/cursor'
import { parseJsonColumn } from '../../store/json'
import { GovernanceError } from '../errors'
import type { JobInfo } from '../jobs'
import type { GovRuntime } from '../runtime'
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitSnapshot,
  type CircuitStateChange
} from './circuit-breaker'
import { COOLDOWN_STATES, isTerminalReflexState, type ReflexJobState } from './job-fsm'
import {
  RECENT_REFLEX_JOBS_KEPT,
  ReflexJobs,
  SUSPEND_COOLDOWN_MS,
  THROTTLE_COOLDOWN_MS,
  type ReflexJobSnapshot,
  type ReflexTransition
} from './reflex-jobs'
import {
  Trigger,
  type TriggerActivation,
  type TriggerConfig,
  type TriggerSnapshot
} from './trigger'

/** The four reflex actions of API §8. */
export { REFLEX_ACTION_TYPES as REFLEX_ACTIONS, type ReflexActionType }

/** Reflex tuning (defaults: API §8). */
export interface ReflexOptions {
  circuit: Partial<CircuitBreakerOptions>
  trigger: Partial<TriggerConfig>
  /** What a trigger does to the job whose failure or violation tripped it. */
  triggerAction: ReflexActionType
  suspendCooldownMs: number
  throttleCooldownMs: number
  /** Records of jobs not held (pending, running, ended) kept in memory; the rest are read back from the store. */
  recentJobsKept: number
  /**
   * Triggers kept in memory (one per job type, which clients choose freely). Past this the least
   * recently used idle ones (no outcome in their window, no pending violation) are dropped.
   */
  triggersKept: number
}

export const DEFAULT_REFLEX_OPTIONS: ReflexOptions = {
  circuit: {},
  trigger: {},
  triggerAction: 'suspend',
  suspendCooldownMs: SUSPEND_COOLDOWN_MS,
  throttleCooldownMs: THROTTLE_COOLDOWN_MS,
  recentJobsKept: RECENT_REFLEX_JOBS_KEPT,
  triggersKept: 1000
}

/** A reflex job record as GET /reflex/jobs lists it: the snapshot plus its live cooldown. */
export type ReflexJobListItem = ReflexJobSnapshot & {
  cooldown_active: boolean
  cooldown_remaining_ms: number
}

/** One executed (or failed) action, as stored and listed by GET /reflex/actions. */
export interface ReflexActionRecord {
  id: number
  timestamp: string
  job_id: string | null
  action_type: RecordedReflexAction
  reason: string
  success: boolean
  trigger_id: string | null
  /** `reflex` for trigger-driven actions, else the operator's token name. */
  actor: string
  /** `{cooldown_seconds}` for suspend/throttle, `{severity}` for alert, `{error}` on failure. */
  details: Record<string, unknown>
}

/** Options of one action run. */
export interface ActionRequest {
  jobId: string
  type: ReflexActionType
  reason: string
  actor: string
  triggerId?: string | null
  cooldownMs?: number
  severity?: AuditSeverity
}

/**
 * The reflex system: circuit breakers per job type (and per `metadata.tool`), error-rate and
 * violation triggers per job type, the reflex job machine with enforced cooldowns, and the four
 * actions. Breaker and reflex-job snapshots are persisted on every change and rehydrated at
 * startup; trigger windows are in memory (they describe the last minute, which a restart ends).
 */
export class ReflexService {
  readonly jobs: ReflexJobs
  readonly options: ReflexOptions
  private readonly circuits = new Map<string, CircuitBreaker>()
  private readonly triggers = new Map<string, Trigger>()
  /** Fires the action of a trigger activation; set by the wiring (it needs the lifecycle). */
  cancelJob: (jobId: string, reason: string, actor: string) => void = () => {
    throw new Error('cancel is not wired')
  }

  constructor(
    private readonly rt: GovRuntime,
    options: Partial<ReflexOptions> = {}
  ) {
    this.options = { ...DEFAULT_REFLEX_OPTIONS, ...options }
    const store = rt.s.store
    for (const r of store
      .prepare<unknown[], { snapshot: string }>('SELECT snapshot FROM gov_circuits')
      .all()) {
      const snap = parseJsonColumn<CircuitSnapshot | null>(r.snapshot, null)
      if (snap)
        this.attach(new CircuitBreaker(snap.circuit_id, rt.clock, this.options.circuit, snap))
    }
    const selectJob = store.prepare<[string], { snapshot: string }>(
      'SELECT snapshot FROM gov_reflex_jobs WHERE job_id = ?'
    )
    this.jobs = new ReflexJobs(rt.clock, {
      recentKept: this.options.recentJobsKept,
      load: (jobId) => {
        if (!store.db.open) return null
        const row = selectJob.get(jobId)
        return row ? parseJsonColumn<ReflexJobSnapshot | null>(row.snapshot, null) : null
      }
    })
    this.jobs.onTransition((t) => this.onReflexTransition(t))
    // Only held jobs come back into memory (their cooldowns are enforced and timed); every other
    // record stays in the store until a transition or a read needs it.
    const heldRows = store
      .prepare<unknown[], { snapshot: string }>(
        `SELECT snapshot FROM gov_reflex_jobs WHERE json_extract(snapshot, '$.current_state') IN ('suspended', 'throttled')`
      )
      .all()
    for (const r of heldRows) {
      const snap = parseJsonColumn<ReflexJobSnapshot | null>(r.snapshot, null)
      if (snap) this.jobs.restore(snap)
    }
  }

  // ---- circuits

  /** Circuit ids governing a job: its job type, and its tool when `metadata.tool` names one. */
  circuitIdsFor(job: JobInfo): string[] {
    const ids = [`job_type:${job.job_type}`]
    if (typeof job.metadata.tool === 'string' && job.metadata.tool.length > 0)
      ids.push(`tool:${job.metadata.tool}`)
    return ids
  }

  private circuit(id: string): CircuitBreaker {
    let c = this.circuits.get(id)
    if (!c) {
      c = new CircuitBreaker(id, this.rt.clock, this.options.circuit)
      this.attach(c)
    }
    return c
  }

  private attach(c: CircuitBreaker): void {
    this.circuits.set(c.id, c)
    c.onStateChange((change) => this.onCircuitChange(change))
  }

  private onCircuitChange(change: CircuitStateChange): void {
    const s = this.rt.s
    s.store.transaction(() => {
      // The audit copy carries the same data as details: consumers read facts from either copy.
      const data = { ...change, timestamp: this.rt.clock.now() / 1000 }
      s.events.publish('reflex', 'circuit_state_changed', data)
      s.audit.write(
        {
          mission_id: null,
          plan_id: null,
          job_id: null,
          attempt_id: null,
          resource_uuid: null,
          event_type: 'circuit_state_changed',
          event_category: 'safety',
          severity: change.to_state === 'open' ? 'warning' : 'info',
          message: `Circuit ${change.circuit_id}: ${change.from_state} → ${change.to_state} (${change.reason})`,
          details: data,
          caused_by_agent: 'reflex',
          caused_by_event: null
        },
        this.rt.clock.now()
      )
    })
  }

  private persistCircuit(c: CircuitBreaker): void {
    this.rt.s.store
      .prepare(
        `INSERT INTO gov_circuits (circuit_id, snapshot, updated_ms) VALUES (?, ?, ?)
         ON CONFLICT (circuit_id) DO UPDATE SET snapshot = excluded.snapshot, updated_ms = excluded.updated_ms`
      )
      .run(c.id, JSON.stringify(c.toJSON()), this.rt.clock.now())
  }

  /**
   * Admits one attempt of `job` or throws: NR-E006 (409) while the job sits out a cooldown, NR-E140
   * (503) while one of its circuits is open. Runs inside the attempt's start transition.
   */
  admit(job: JobInfo): void {
    this.jobs.assertMayRun(job.job_id)
    const admitted: CircuitBreaker[] = []
    for (const id of this.circuitIdsFor(job)) {
      const c = this.circuit(id)
      const res = c.tryAcquire()
      if (!res.ok) {
        for (const a of admitted) a.abandon()
        this.persistCircuit(c)
        throw res.error
      }
      admitted.push(c)
    }
    for (const c of admitted) this.persistCircuit(c)
  }

  /** Feeds a finished attempt to the job's circuits and trigger; runs the trigger's action. */
  recordOutcome(job: JobInfo, failed: boolean): void {
    for (const id of this.circuitIdsFor(job)) {
      const c = this.circuit(id)
      if (failed) c.recordFailure()
      else c.recordSuccess()
      this.persistCircuit(c)
    }
    const activation = this.trigger(job.job_type).recordOutcome(failed)
    if (activation) this.onActivation(activation, job.job_id)
  }

  /** Counts a budget violation toward the job type's trigger. */
  recordViolation(job: JobInfo): void {
    const activation = this.trigger(job.job_type).recordViolation()
    if (activation) this.onActivation(activation, job.job_id)
  }

  /** Operator reset of a circuit. 404 for an unknown circuit. */
  resetCircuit(id: string, actor: string): CircuitSnapshot {
    const c = this.circuits.get(id)
    if (!c) throw notFound(`Circuit ${id} not found`)
    this.rt.s.store.transaction(() => {
      c.reset()
      this.persistCircuit(c)
      this.storeAction(
        {
          job_id: null,
          action_type: 'reset_circuit',
          reason: `Operator reset circuit ${id}`,
          success: true,
          trigger_id: null,
          actor,
          details: { circuit_id: id }
        },
        true
      )
    })
    return c.toJSON()
  }

  /** GET /reflex/circuits. */
  listCircuits(): CircuitSnapshot[] {
    return [...this.circuits.values()]
      .map((c) => c.toJSON())
      .sort((a, b) => a.circuit_id.localeCompare(b.circuit_id))
  }

  // ---- triggers

  private trigger(jobType: string): Trigger {
    const id = `trigger:${jobType}`
    let t = this.triggers.get(id)
    if (t) {
      // Touch: Map order is the LRU order.
      this.triggers.delete(id)
      this.triggers.set(id, t)
      return t
    }
    t = new Trigger(id, this.rt.clock, this.options.trigger)
    this.triggers.set(id, t)
    if (this.triggers.size > this.options.triggersKept) {
      for (const [key, old] of this.triggers) {
        if (this.triggers.size <= this.options.triggersKept) break
        // An idle trigger has nothing that a fresh one would not have; a busy one is kept.
        if (key !== id && old.idle()) this.triggers.delete(key)
      }
    }
    return t
  }

  /** Triggers in memory (for tests and diagnostics). */
  get triggerCount(): number {
    return this.triggers.size
  }

  private onActivation(a: TriggerActivation, jobId: string): void {
    const s = this.rt.s
    const now = this.rt.clock.now()
    s.store.transaction(() => {
      s.store
        .prepare(
          `INSERT INTO gov_trigger_activations (timestamp, ts_ms, trigger_id, reason, error_rate, budget_violations, job_id, details)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          new Date(now).toISOString(),
          now,
          a.trigger_id,
          a.reason,
          a.error_rate,
          a.budget_violations,
          jobId,
          JSON.stringify(a.error.error)
        )
      const data = {
        trigger_id: a.trigger_id,
        reason: a.reason,
        error_rate: a.error_rate,
        sample_count: a.sample_count,
        budget_violations: a.budget_violations,
        activation_count: a.activation_count,
        job_id: jobId,
        code: a.error.code,
        message: a.error.error.message
      }
      s.events.publish('reflex', 'trigger_activated', data)
      s.audit.write(
        {
          mission_id: null,
          plan_id: null,
          job_id: jobId,
          attempt_id: null,
          resource_uuid: null,
          event_type: 'trigger_activated',
          event_category: 'safety',
          severity: a.error.error.severity,
          message: `${a.error.code} ${a.error.error.message}`,
          details: data,
          caused_by_agent: 'reflex',
          caused_by_event: null
        },
        now
      )
      this.execute({
        jobId,
        type: this.options.triggerAction,
        reason: `${a.error.code} ${a.error.error.message}`,
        actor: 'reflex',
        triggerId: a.trigger_id
      })
    })
  }

  /** GET /reflex/triggers: live trigger state plus recent activations. */
  listTriggers(): { triggers: TriggerSnapshot[]; activations: Array<Record<string, unknown>> } {
    const activations = this.rt.s.store
      .prepare<unknown[], Record<string, unknown>>(
        'SELECT * FROM gov_trigger_activations ORDER BY seq DESC LIMIT 50'
      )
      .all()
      .map(({ ts_ms: _ts, details, seq, ...rest }) => ({
        id: seq,
        ...rest,
        details: parseJsonColumn(details as string, {})
      }))
    return {
      triggers: [...this.triggers.values()]
        .map((t) => t.toJSON())
        .sort((a, b) => a.trigger_id.localeCompare(b.trigger_id)),
      activations
    }
  }

  // ---- actions

  /**
   * Runs one action on a job and records it (stored, audited, `reflex_action_executed`). A
   * refused action (the reflex machine forbids it, or cancel fails) is recorded with
   * `success: false` and NR-E142, and returned rather than thrown, so a trigger's bookkeeping is
   * never rolled back by its action; operators get the failure from `executeOrThrow`.
   */
  execute(req: ActionRequest): ReflexActionRecord {
    return this.run(req).record
  }

  /** Like `execute`, but throws the failure (operator routes answer with it). */
  executeOrThrow(req: ActionRequest): ReflexActionRecord {
    const { record, failure } = this.run(req)
    if (failure) throw failure
    return record
  }

  private run(req: ActionRequest): { record: ReflexActionRecord; failure: DomainError | null } {
    const details: Record<string, unknown> = {}
    let failure: DomainError | null = null
    try {
      this.rt.s.store.transaction(() => {
        switch (req.type) {
          case 'suspend':
          case 'throttle': {
            const ms =
              req.cooldownMs ??
              (req.type === 'suspend'
                ? this.options.suspendCooldownMs
                : this.options.throttleCooldownMs)
            details.cooldown_seconds = ms / 1000
            this.ensureRunning(req.jobId, 'reflex_tracking')
            this.jobs.transition(
              req.jobId,
              req.type === 'suspend' ? 'suspended' : 'throttled',
              req.reason,
              ms
            )
            break
          }
          case 'alert':
            details.severity = req.severity ?? 'warning'
            break
          case 'cancel':
            this.cancelJob(req.jobId, req.reason, req.actor)
            this.settle(req.jobId, 'cancelled', req.reason)
            break
        }
      })
    } catch (err) {
      if (isDomainError(err)) {
        failure = err
      } else {
        // An internal failure (the store): logged in full, answered without its text.
        this.rt.report(`reflex action ${req.type}`, err)
        failure = new GovernanceError(
          'NR-E142',
          `Reflex action ${req.type} on ${req.jobId} failed internally`
        )
      }
      const inner = failure.detail
      details.error = makeNeuroRailError(
        'NR-E142',
        `Reflex action ${req.type} on ${req.jobId} failed`,
        { cause: inner as unknown }
      )
    }
    const record = this.rt.s.store.transaction(() =>
      this.storeAction(
        {
          job_id: req.jobId,
          action_type: req.type,
          reason: req.reason,
          success: failure === null,
          trigger_id: req.triggerId ?? null,
          actor: req.actor,
          details
        },
        true
      )
    )
    return { record, failure }
  }

  /**
   * Operator resume. Refused with NR-E006 (409) while the cooldown lasts unless `force`, because
   * an enforced cooldown that any caller can end early is not enforced; `force` is the explicit,
   * audited override.
   */
  resume(jobId: string, force: boolean, actor: string, reason: string): ReflexActionRecord {
    const snap = this.jobs.get(jobId)
    if (!snap || !COOLDOWN_STATES.includes(snap.current_state)) {
      throw new GovernanceError('NR-E143', `Job ${jobId} is not suspended or throttled`, {
        job_id: jobId,
        current_state: snap?.current_state ?? null,
        allowed_states: [...COOLDOWN_STATES]
      })
    }
    if (!force) this.jobs.assertMayRun(jobId)
    return this.rt.s.store.transaction(() => {
      this.jobs.transition(jobId, 'running', reason)
      return this.storeAction(
        {
          job_id: jobId,
          action_type: 'resume',
          reason,
          success: true,
          trigger_id: null,
          actor,
          details: { forced: force && snap.cooldown_until !== null }
        },
        true
      )
    })
  }

  private storeAction(
    a: Omit<ReflexActionRecord, 'id' | 'timestamp'>,
    publish: boolean
  ): ReflexActionRecord {
    const s = this.rt.s
    const now = this.rt.clock.now()
    const timestamp = new Date(now).toISOString()
    const res = s.store
      .prepare(
        `INSERT INTO gov_reflex_actions (timestamp, ts_ms, job_id, action_type, reason, success, trigger_id, actor, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        timestamp,
        now,
        a.job_id,
        a.action_type,
        a.reason,
        a.success ? 1 : 0,
        a.trigger_id,
        a.actor,
        JSON.stringify(a.details)
      )
    const record: ReflexActionRecord = { id: Number(res.lastInsertRowid), timestamp, ...a }
    const data = {
      action_id: record.id,
      job_id: a.job_id,
      action_type: a.action_type,
      reason: a.reason,
      success: a.success,
      trigger_id: a.trigger_id,
      actor: a.actor,
      details: a.details
    }
    if (publish) s.events.publish('reflex', 'reflex_action_executed', data)
    s.audit.write(
      {
        mission_id: null,
        plan_id: null,
        job_id: a.job_id,
        attempt_id: null,
        resource_uuid: null,
        event_type: 'reflex_action_executed',
        event_category: 'safety',
        severity: !a.success
          ? 'error'
          : a.action_type === 'alert'
            ? ((a.details.severity as AuditSeverity | undefined) ?? 'warning')
            : 'info',
        message: `Reflex ${a.action_type}${a.job_id ? ` on ${a.job_id}` : ''} ${a.success ? 'done' : 'failed'}: ${a.reason}`,
        details: data,
        caused_by_agent: a.actor,
        caused_by_event: null
      },
      now
    )
    return record
  }

  /** GET /reflex/actions: newest first, keyset-paged. */
  listActions(cursor: string | undefined, limit: number): Page<ReflexActionRecord> {
    return readSeqPage(this.rt.s.store, 'gov_reflex_actions', cursor, limit, (r) => ({
      id: r.seq,
      timestamp: r.timestamp as string,
      job_id: (r.job_id as string | null) ?? null,
      action_type: r.action_type as ReflexActionRecord['action_type'],
      reason: r.reason as string,
      success: r.success === 1,
      trigger_id: (r.trigger_id as string | null) ?? null,
      actor: r.actor as string,
      details: parseJsonColumn(r.details as string, {})
    }))
  }

  // ---- reflex job machine

  /** Makes sure the reflex machine tracks `jobId` as running (first attempt or job start). */
  ensureRunning(jobId: string, reason: string): void {
    const snap = this.jobs.get(jobId)
    if (!snap || snap.current_state === 'pending') this.jobs.transition(jobId, 'running', reason)
  }

  /**
   * Brings the reflex machine to a terminal state when the lifecycle job ends. From a cooldown
   * state the machine only allows running or cancelled, so completion goes through running first:
   * the lifecycle is the truth about whether the job finished.
   */
  settle(
    jobId: string,
    to: Extract<ReflexJobState, 'completed' | 'failed' | 'cancelled'>,
    reason: string
  ): void {
    const snap = this.jobs.get(jobId)
    if (snap && isTerminalReflexState(snap.current_state)) return
    if (!snap) this.jobs.transition(jobId, 'running', reason)
    else if (to !== 'cancelled' && COOLDOWN_STATES.includes(snap.current_state))
      this.jobs.transition(jobId, 'running', reason)
    this.jobs.transition(jobId, to, reason)
  }

  private onReflexTransition(t: ReflexTransition): void {
    // Called synchronously by ReflexJobs, inside the caller's transaction or from a cooldown timer.
    this.rt.run('reflex job transition', () => {
      const s = this.rt.s
      const snap = this.jobs.get(t.job_id)
      s.store
        .prepare(
          `INSERT INTO gov_reflex_jobs (job_id, snapshot, updated_ms) VALUES (?, ?, ?)
           ON CONFLICT (job_id) DO UPDATE SET snapshot = excluded.snapshot, updated_ms = excluded.updated_ms`
        )
        .run(t.job_id, JSON.stringify(snap), this.rt.clock.now())
      // Only cooldown moves go on the lifecycle channel: the others (pending → running →
      // completed) mirror lifecycle transitions that the engine has already published.
      if (
        !COOLDOWN_STATES.includes(t.to_state) &&
        !(t.from_state !== null && COOLDOWN_STATES.includes(t.from_state))
      )
        return
      s.events.publish('lifecycle', 'state_transition', {
        machine: 'reflex',
        entity_type: 'job',
        entity_id: t.job_id,
        job_id: t.job_id,
        from_state: t.from_state,
        to_state: t.to_state,
        cooldown_until: t.cooldown_until,
        reason: t.reason,
        timestamp: this.rt.clock.now() / 1000
      })
    })
  }

  private view(j: ReflexJobSnapshot): ReflexJobListItem {
    const left = this.jobs.cooldownRemainingMs(j.job_id)
    return { ...j, cooldown_active: left > 0, cooldown_remaining_ms: left }
  }

  /** GET /reflex/jobs: held jobs (suspended or throttled) with live cooldown remainders, most recently changed first. */
  listJobs(): ReflexJobListItem[] {
    return this.jobs.listHeld().map((j) => this.view(j))
  }

  /**
   * GET /reflex/jobs?all=1: every job the reflex machine has recorded, from the store, newest
   * first by when the machine first saw it (row order, so pages are stable while jobs change).
   * Records in memory win over their stored copy.
   */
  listAllJobs(cursor: string | undefined, limit: number): Page<ReflexJobListItem> {
    const before = cursor ? decodeCursor(cursor, { r: 'number' }).r : Number.MAX_SAFE_INTEGER
    const rows = this.rt.s.store
      .prepare<unknown[], { r: number; job_id: string; snapshot: string }>(
        'SELECT rowid AS r, job_id, snapshot FROM gov_reflex_jobs WHERE rowid < ? ORDER BY rowid DESC LIMIT ?'
      )
      .all(before, limit + 1)
    const more = rows.length > limit
    const page = more ? rows.slice(0, limit) : rows
    const last = page.at(-1)
    const items: ReflexJobListItem[] = []
    for (const row of page) {
      const snap =
        this.jobs.peek(row.job_id) ?? parseJsonColumn<ReflexJobSnapshot | null>(row.snapshot, null)
      if (snap) items.push(this.view(snap))
    }
    return { items, next_cursor: more && last ? encodeCursor({ r: last.r }) : null }
  }

  /** GET /reflex/jobs/{job_id}: one job's record (held or not), or null when the machine never saw it. */
  jobView(jobId: string): ReflexJobListItem | null {
    const snap = this.jobs.get(jobId)
    return snap ? this.view(snap) : null
  }

  /** Stops cooldown timers (engine shutdown). */
  close(): void {
    this.jobs.close()
  }
}

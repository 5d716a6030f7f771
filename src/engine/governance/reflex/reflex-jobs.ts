import type { Clock, TimerHandle } from '../../clock'
import { GovernanceError } from '../errors'
import {
  canTransition,
  COOLDOWN_STATES,
  REFLEX_JOB_TRANSITIONS,
  type ReflexJobState
} from './job-fsm'

/** Default cooldowns of API §8's actions. */
export const SUSPEND_COOLDOWN_MS = 60_000
export const THROTTLE_COOLDOWN_MS = 30_000

/** A job's reflex record (serializable; persisted and returned by GET /reflex/jobs). */
export interface ReflexJobSnapshot {
  job_id: string
  current_state: ReflexJobState
  /** Epoch seconds until which the job is refused (NR-E006); null when no cooldown is set. */
  cooldown_until: number | null
  suspend_count: number
  throttle_count: number
  transition_count: number
  /** Epoch seconds of the last transition. */
  state_since: number
  /** Why the job is in its current state (the last transition's reason). */
  reason: string | null
}

/** One reflex transition, handed to listeners (published as lifecycle `state_transition`). */
export interface ReflexTransition {
  job_id: string
  from_state: ReflexJobState | null
  to_state: ReflexJobState
  /** Epoch seconds, or null when the new state has no cooldown. */
  cooldown_until: number | null
  reason: string
}

interface Entry extends ReflexJobSnapshot {
  timer: TimerHandle | null
}

/** How many records of jobs that are not held stay in memory by default. */
export const RECENT_REFLEX_JOBS_KEPT = 1000

/** Options of {@link ReflexJobs}. */
export interface ReflexJobsOptions {
  /** Most records of jobs not held (pending, running, ended) kept in memory, least recently used dropped first. */
  recentKept: number
  /**
   * Reads a persisted record that is no longer in memory (null when there is none). Without it,
   * a dropped record is forgotten, as if the machine had never seen the job.
   */
  load: (jobId: string) => ReflexJobSnapshot | null
}

/**
 * Reflex job records with enforced cooldowns. `suspend`/`throttle` put a job in a cooldown state
 * until `cooldown_until`; while it lasts `assertMayRun` refuses the job with NR-E006 (HTTP 409),
 * and a timer moves the job back to running when it ends (reason `cooldown_elapsed`), so a
 * cooldown is over exactly when the clock says so, whether or not anyone asks.
 *
 * Memory holds what enforcement needs, not every job ever seen: every held job (suspended or
 * throttled, with its timer) stays, since `assertMayRun` must answer without a store read on each
 * start; other jobs are kept in a bounded LRU and read back through `load` when needed again (the
 * owner persists every transition), so a long-lived engine does not grow with its job count.
 */
export class ReflexJobs {
  /** Jobs in a cooldown state; never evicted (enforcement reads only this map). */
  private readonly held = new Map<string, Entry>()
  /** Other recently used records; Map order is the LRU order (oldest first). */
  private readonly recent = new Map<string, Entry>()
  private readonly listeners = new Set<(t: ReflexTransition) => void>()
  private readonly options: ReflexJobsOptions

  constructor(
    private readonly clock: Clock,
    options: Partial<ReflexJobsOptions> = {}
  ) {
    const o = { recentKept: RECENT_REFLEX_JOBS_KEPT, load: () => null, ...options }
    // At least one: a transition's listeners read the record they were told about back.
    this.options = { ...o, recentKept: Math.max(1, Math.floor(o.recentKept)) }
  }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onTransition(listener: (t: ReflexTransition) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Restores a persisted record (at startup); cooldowns already over resume at once. */
  restore(s: ReflexJobSnapshot): void {
    const entry: Entry = { ...s, timer: null }
    this.place(entry)
    if (COOLDOWN_STATES.includes(s.current_state) && s.cooldown_until !== null) {
      this.arm(entry, s.cooldown_until * 1000 - this.clock.now())
    }
  }

  /** The record of a job, or null when the reflex machine has never seen it. */
  get(jobId: string): ReflexJobSnapshot | null {
    const e = this.entry(jobId)
    return e ? snapshot(e) : null
  }

  /** The in-memory record of a job without reading the store or touching the LRU (null when not in memory). */
  peek(jobId: string): ReflexJobSnapshot | null {
    const e = this.held.get(jobId) ?? this.recent.get(jobId)
    return e ? snapshot(e) : null
  }

  /** Held jobs (suspended or throttled), most recently changed first. */
  listHeld(): ReflexJobSnapshot[] {
    return [...this.held.values()].map(snapshot).sort((a, b) => b.state_since - a.state_since)
  }

  /** Records in memory: held jobs plus the recent ones (for tests and diagnostics). */
  get memorySize(): number {
    return this.held.size + this.recent.size
  }

  /** The in-memory entry of a job, reading it back from the store when it was dropped. */
  private entry(jobId: string): Entry | null {
    const held = this.held.get(jobId)
    if (held) return held
    const e = this.recent.get(jobId)
    if (e) {
      // Touch: most recently used moves to the end.
      this.recent.delete(jobId)
      this.recent.set(jobId, e)
      return e
    }
    const stored = this.options.load(jobId)
    if (!stored) return null
    // A held job is always in memory, so a stored record in a cooldown state is stale (its
    // cooldown ended without being written, e.g. the write was rolled back): treat it as over.
    const loaded: Entry = COOLDOWN_STATES.includes(stored.current_state)
      ? { ...stored, current_state: 'running', cooldown_until: null, timer: null }
      : { ...stored, timer: null }
    this.place(loaded)
    return loaded
  }

  /** Files an entry under held or recent by its state, trimming the LRU. */
  private place(e: Entry): void {
    if (COOLDOWN_STATES.includes(e.current_state)) {
      this.recent.delete(e.job_id)
      this.held.set(e.job_id, e)
      return
    }
    this.held.delete(e.job_id)
    this.recent.delete(e.job_id)
    this.recent.set(e.job_id, e)
    while (this.recent.size > this.options.recentKept) {
      const oldest = this.recent.keys().next().value
      if (oldest === undefined) break
      this.recent.delete(oldest)
    }
  }

  /** Milliseconds of cooldown left for `jobId` (0 when none). */
  cooldownRemainingMs(jobId: string): number {
    const e = this.held.get(jobId)
    if (!e || e.cooldown_until === null || !COOLDOWN_STATES.includes(e.current_state)) return 0
    return Math.max(0, e.cooldown_until * 1000 - this.clock.now())
  }

  /**
   * Refuses a job that is sitting out a cooldown with NR-E006 (HTTP 409, Retry-After = the time
   * left). Jobs the machine has never seen, and jobs in any other state, pass.
   */
  assertMayRun(jobId: string): void {
    const e = this.held.get(jobId)
    if (!e || !COOLDOWN_STATES.includes(e.current_state)) return
    const left = this.cooldownRemainingMs(jobId)
    throw new GovernanceError(
      'NR-E006',
      `Job ${jobId} is ${e.current_state} by a reflex; cooldown ends in ${Math.ceil(left / 1000)} s`,
      {
        job_id: jobId,
        reflex_state: e.current_state,
        cooldown_until: e.cooldown_until,
        cooldown_remaining_ms: left,
        reason: e.reason
      }
    ).retryAfter(left)
  }

  /**
   * Moves `jobId` to `to`. A job the machine has not seen starts at `pending` (so the first move
   * is pending → running). Cooldown states take `cooldownMs`.
   * @throws GovernanceError NR-E143 (409) when the reflex machine forbids the move.
   */
  transition(
    jobId: string,
    to: ReflexJobState,
    reason: string,
    cooldownMs?: number
  ): ReflexTransition {
    const now = this.clock.now()
    let e = this.entry(jobId)
    const from: ReflexJobState | null = e ? e.current_state : null
    const effectiveFrom: ReflexJobState = from ?? 'pending'
    if (!(from === null && to === 'pending') && !canTransition(effectiveFrom, to)) {
      throw new GovernanceError(
        'NR-E143',
        `Reflex job ${jobId}: ${effectiveFrom} → ${to} is not allowed`,
        {
          job_id: jobId,
          current_state: effectiveFrom,
          target_state: to,
          allowed_states: [...REFLEX_JOB_TRANSITIONS[effectiveFrom]]
        }
      )
    }
    if (!e) {
      e = {
        job_id: jobId,
        current_state: 'pending',
        cooldown_until: null,
        suspend_count: 0,
        throttle_count: 0,
        transition_count: 0,
        state_since: now / 1000,
        reason: null,
        timer: null
      }
    }
    e.timer?.cancel()
    e.timer = null
    e.current_state = to
    e.transition_count++
    e.state_since = now / 1000
    e.reason = reason
    if (to === 'suspended') e.suspend_count++
    if (to === 'throttled') e.throttle_count++
    if (COOLDOWN_STATES.includes(to)) {
      const ms = cooldownMs ?? (to === 'suspended' ? SUSPEND_COOLDOWN_MS : THROTTLE_COOLDOWN_MS)
      e.cooldown_until = (now + ms) / 1000
      this.arm(e, ms)
    } else {
      e.cooldown_until = null
    }
    this.place(e)
    const t: ReflexTransition = {
      job_id: jobId,
      from_state: from,
      to_state: to,
      cooldown_until: e.cooldown_until,
      reason
    }
    for (const l of this.listeners) l(t)
    return t
  }

  /** Moves `jobId` to `to` only when that is allowed; returns null instead of throwing. */
  tryTransition(
    jobId: string,
    to: ReflexJobState,
    reason: string,
    cooldownMs?: number
  ): ReflexTransition | null {
    const e = this.entry(jobId)
    const from = e ? e.current_state : 'pending'
    if (e && from === to) return null
    if (!canTransition(from, to)) return null
    return this.transition(jobId, to, reason, cooldownMs)
  }

  private arm(e: Entry, ms: number): void {
    e.timer = this.clock.setTimeout(() => {
      e.timer = null
      if (COOLDOWN_STATES.includes(e.current_state))
        this.transition(e.job_id, 'running', 'cooldown_elapsed')
    }, ms)
  }

  /** Cancels every cooldown timer (engine shutdown); records stay as they are. */
  close(): void {
    for (const e of this.held.values()) {
      e.timer?.cancel()
      e.timer = null
    }
  }
}

function snapshot(e: Entry): ReflexJobSnapshot {
  const { timer: _timer, ...rest } = e
  return { ...rest }
}

import { DomainError, notFound } from '../../errors'
import { readJob, type JobInfo } from '../jobs'
import type { GovRuntime } from '../runtime'

/**
 * Job states in which a job waits for its agent to move it (retry or start). A job there whose
 * agent gave up will never move again, yet the state machine (API §4) has no terminal "gave up":
 * failed_mechanical → running | cancelled, ready → running | cancelled. The mark below says so.
 */
export const WAITING_JOB_STATES = ['ready', 'failed_mechanical'] as const

/** A job's agent gave up on it (GET /budget/jobs/{id} `gave_up`, POST …/give-up). */
export interface GiveUp {
  job_id: string
  /** The NeuroRail code that ended it (NR-E101 retries used up, NR-E140 open circuit, …). */
  code: string
  reason: string
  /** The principal that gave up (`governance` when the engine found the retries used up). */
  by: string
  /** The job's state when it was given up. */
  state: string
  timestamp: string
}

interface GiveUpRow {
  job_id: string
  code: string
  reason: string
  by_actor: string
  state: string
  timestamp: string
}

/**
 * "Given up" marks: what tells a job awaiting retry from one nobody will retry. Set by the engine
 * when a job fails with its retries used up (a retry would be refused with NR-E101), and by an
 * agent that stops trying for another reason (a refusal it will not wait out, a non-retriable
 * error). Cleared when the job runs again. Each mark is audited (`job_given_up`).
 */
export class GiveUps {
  constructor(private readonly rt: GovRuntime) {}

  /** Marks a job given up (joins the caller's transaction); a later mark replaces an earlier one. */
  mark(job: JobInfo, state: string, code: string, reason: string, by: string): GiveUp {
    const now = this.rt.clock.now()
    const mark: GiveUp = {
      job_id: job.job_id,
      code,
      reason,
      by,
      state,
      timestamp: new Date(now).toISOString()
    }
    const s = this.rt.s
    s.store
      .prepare(
        `INSERT INTO gov_job_give_ups (job_id, code, reason, by_actor, state, timestamp, ts_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET code = excluded.code, reason = excluded.reason,
           by_actor = excluded.by_actor, state = excluded.state, timestamp = excluded.timestamp, ts_ms = excluded.ts_ms`
      )
      .run(job.job_id, code, reason, by, state, mark.timestamp, now)
    s.audit.write(
      {
        mission_id: job.mission_id,
        plan_id: job.plan_id,
        job_id: job.job_id,
        attempt_id: null,
        resource_uuid: null,
        event_type: 'job_given_up',
        event_category: 'execution',
        severity: 'warning',
        message: `${code} ${reason}`,
        details: { code, reason, state, given_up_by: by },
        caused_by_agent: by,
        caused_by_event: null
      },
      now
    )
    return mark
  }

  /**
   * POST /budget/jobs/{job_id}/give-up: an agent stops trying. 404 for an unknown job, 409 unless
   * the job waits in ready or failed_mechanical.
   */
  giveUp(jobId: string, code: string, reason: string, by: string): GiveUp {
    return this.rt.s.store.transaction(() => {
      const job = readJob(this.rt.s.store, jobId)
      if (!job) throw notFound(`Job ${jobId} not found`)
      const state = this.rt.s.lifecycle.currentState(jobId)
      if (state === null || !(WAITING_JOB_STATES as readonly string[]).includes(state)) {
        throw new DomainError(
          'state_conflict',
          `Job ${jobId} is ${state ?? 'not started'}; only a job waiting in ready or failed_mechanical can be given up`
        )
      }
      return this.mark(job, state, code, reason, by)
    })
  }

  /** Drops the mark of a job that runs again (joins the caller's transaction). */
  clear(jobId: string): void {
    this.rt.s.store.prepare('DELETE FROM gov_job_give_ups WHERE job_id = ?').run(jobId)
  }

  /** The mark of a job, or null. */
  read(jobId: string): GiveUp | null {
    const r = this.rt.s.store
      .prepare<unknown[], GiveUpRow>('SELECT * FROM gov_job_give_ups WHERE job_id = ?')
      .get(jobId)
    return r
      ? {
          job_id: r.job_id,
          code: r.code,
          reason: r.reason,
          by: r.by_actor,
          state: r.state,
          timestamp: r.timestamp
        }
      : null
  }

  /** Given-up jobs by current state, counting only jobs still waiting (`jobs_given_up` of /lifecycle/stats). */
  countsByState(): Record<string, number> {
    const rows = this.rt.s.store
      .prepare<unknown[], { state: string; n: number }>(
        `SELECT s.current_state AS state, COUNT(*) AS n FROM gov_job_give_ups g
         JOIN entity_state s ON s.entity_id = g.job_id
         WHERE s.current_state IN (${WAITING_JOB_STATES.map(() => '?').join(', ')})
         GROUP BY s.current_state`
      )
      .all(...WAITING_JOB_STATES)
    return Object.fromEntries(rows.map((r) => [r.state, r.n]))
  }
}

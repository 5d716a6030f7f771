import { parseJsonColumn } from '../store/json'
import type { Store } from '../store/store'
import { aggregateRow } from '../store/statements'

/** What governance needs to know about a job. */
export interface JobInfo {
  job_id: string
  job_type: string
  plan_id: string
  mission_id: string
  metadata: Record<string, unknown>
}

/** Reads a job's identity record (null when unknown). */
export function readJob(store: Store, jobId: string): JobInfo | null {
  const row = store
    .prepare<unknown[], Omit<JobInfo, 'metadata'> & { metadata: string }>(
      'SELECT job_id, job_type, plan_id, mission_id, metadata FROM jobs WHERE job_id = ?'
    )
    .get(jobId)
  return row
    ? { ...row, metadata: parseJsonColumn<Record<string, unknown>>(row.metadata, {}) }
    : null
}

/** The job an attempt belongs to (null when the attempt is unknown). */
export function jobOfAttempt(store: Store, attemptId: string): string | null {
  const row = store
    .prepare<unknown[], { job_id: string }>('SELECT job_id FROM attempts WHERE attempt_id = ?')
    .get(attemptId)
  return row?.job_id ?? null
}

/** Attempts of `jobId` currently in the lifecycle state `running`. */
export function runningAttemptsOfJob(store: Store, jobId: string): string[] {
  return store
    .prepare<unknown[], { id: string }>(
      `SELECT a.attempt_id AS id FROM attempts a JOIN entity_state s ON s.entity_id = a.attempt_id
         WHERE a.job_id = ? AND s.current_state = 'running'`
    )
    .all(jobId)
    .map((r) => r.id)
}

/** Attempts running anywhere in the engine. */
export function runningAttemptCount(store: Store): number {
  return aggregateRow(
    store.prepare<[], { n: number }>(
      `SELECT COUNT(*) AS n FROM entity_state WHERE entity_type = 'attempt' AND current_state = 'running'`
    )
  ).n
}

/**
 * The governing context of a job for manifest rules: `metadata.context` when the job carries one,
 * else its metadata without the budget (so rules can match plain metadata fields too).
 */
export function jobContext(metadata: Record<string, unknown>): Record<string, unknown> {
  const ctx = metadata.context
  if (ctx !== null && typeof ctx === 'object' && !Array.isArray(ctx))
    return ctx as Record<string, unknown>
  const { budget: _budget, ...rest } = metadata
  return rest
}

/** Token and credit consumption of a job: its own reports plus those of all its attempts. */
export function jobConsumption(
  store: Store,
  jobId: string
): { llm_tokens: number; cost_credits: number } {
  const row = aggregateRow(
    store.prepare<[string, string], { t: number; c: number }>(
      `SELECT COALESCE(SUM(llm_tokens_consumed), 0) AS t, COALESCE(SUM(cost_credits), 0) AS c FROM entity_metrics
       WHERE entity_id = ? OR entity_id IN (SELECT attempt_id FROM attempts WHERE job_id = ?)`
    ),
    jobId,
    jobId
  )
  return { llm_tokens: row.t, cost_credits: row.c }
}

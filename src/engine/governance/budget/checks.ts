import type { Budget } from '../../../shared/neurorail'
import type { ViolationType } from '../../../shared/neurorail/governance'
import { GovernanceError } from '../errors'

/** The kinds of budget violation, as stored and as `neurorail_budget_violations_total{violation_type}`. */
export type { ViolationType }

/**
 * A budget check's verdict: a violation carries the NR error (code E100–E104, details as in API
 * §8) and its type; the edge answers a refusal with the status of its code.
 */
export interface Violation {
  type: ViolationType
  error: GovernanceError
}

/**
 * Parallelism (NR-E102). `jobRunning` and `globalRunning` count attempts already running, not
 * the one asking to start. The job limit is checked first because it is the more specific one.
 * HTTP 429: the refusal is temporary and retriable once a running attempt finishes.
 */
export function checkParallelism(
  budget: Budget,
  jobId: string,
  jobRunning: number,
  globalRunning: number
): Violation | null {
  if (jobRunning >= budget.max_parallel_attempts) {
    return parallelism(budget.max_parallel_attempts, jobRunning, 'job', jobId)
  }
  if (globalRunning >= budget.max_global_parallel) {
    return parallelism(budget.max_global_parallel, globalRunning, 'global', jobId)
  }
  return null
}

function parallelism(
  limit: number,
  current: number,
  limitType: 'job' | 'global',
  jobId: string
): Violation {
  const what = limitType === 'job' ? `job ${jobId}` : 'the engine'
  return {
    type: 'parallelism',
    error: new GovernanceError(
      'NR-E102',
      `Parallelism budget exceeded: ${current} attempts already running for ${what} (limit ${limit})`,
      {
        limit,
        current,
        limit_type: limitType,
        job_id: jobId
      }
    )
  }
}

/**
 * The two consumption budgets. Tokens are NR-E104 BUDGET_TOKEN_EXCEEDED: BRAiN raises E103 for
 * tokens too and leaves E104 unused; we use the registry's own meaning so the two limits can be
 * told apart. Details keep §8's E103 shape for both, so readers of either code find the same fields.
 */
const CONSUMPTION = {
  tokens: {
    code: 'NR-E104',
    what: 'Token',
    unit: 'LLM tokens',
    costType: 'llm_tokens',
    used: 'tokens_used'
  },
  cost: {
    code: 'NR-E103',
    what: 'Cost',
    unit: 'credits',
    costType: 'cost_credits',
    used: 'credits_used'
  }
} as const

function checkConsumption(
  type: keyof typeof CONSUMPTION,
  limit: number | null,
  consumed: number,
  attemptId: string
): Violation | null {
  if (limit === null || consumed <= limit) return null
  const c = CONSUMPTION[type]
  return {
    type,
    error: new GovernanceError(
      c.code,
      `${c.what} budget exceeded: ${consumed} of ${limit} ${c.unit}`,
      {
        limit,
        consumed,
        cost_type: c.costType,
        attempt_id: attemptId,
        [c.used]: consumed
      }
    )
  }
}

/** Token budget (NR-E104, see CONSUMPTION). */
export function checkTokens(budget: Budget, consumed: number, attemptId: string): Violation | null {
  return checkConsumption('tokens', budget.max_llm_tokens, consumed, attemptId)
}

/** Cost budget (NR-E103). */
export function checkCost(budget: Budget, consumed: number, attemptId: string): Violation | null {
  return checkConsumption('cost', budget.max_cost_credits, consumed, attemptId)
}

/**
 * Timeout (NR-E100). `enforcedBy: 'engine'` when the server-side timer fires at timeout + grace;
 * `'client'` when the agent stopped the attempt itself at `timeout_ms` (the SDK does, before the
 * engine's timer), so no grace period was given.
 */
export function timeoutViolation(
  budget: Budget,
  elapsedMs: number,
  attemptId: string,
  enforcedBy: 'engine' | 'client' = 'engine'
): Violation {
  const message =
    enforcedBy === 'engine'
      ? `Attempt ${attemptId} ran ${elapsedMs} ms, over its ${budget.timeout_ms} ms timeout and ${budget.grace_period_ms} ms grace period`
      : `Attempt ${attemptId} was stopped by its agent after ${elapsedMs} ms, at its ${budget.timeout_ms} ms timeout`
  return {
    type: 'timeout',
    error: new GovernanceError('NR-E100', message, {
      attempt_id: attemptId,
      timeout_ms: budget.timeout_ms,
      elapsed_ms: elapsedMs,
      grace_period_ms: budget.grace_period_ms,
      grace_period_invoked: enforcedBy === 'engine' && budget.grace_period_ms > 0,
      enforced_by: enforcedBy,
      immune_alert: true
    })
  }
}

/** One entry of a job's retry history (§8's E101 details). */
export interface RetryHistoryEntry {
  attempt: number
  error: string | null
  error_type: string | null
  retriable: boolean
  elapsed_ms: number | null
}

/**
 * Retries (NR-E101): `retriesUsed` counts retries already granted. The retry that would exceed
 * `max_retries` is refused (HTTP 409) and the job is failed by the caller.
 */
export function checkRetry(
  budget: Budget,
  jobId: string,
  retriesUsed: number,
  history: RetryHistoryEntry[]
): Violation | null {
  if (retriesUsed < budget.max_retries) return null
  const last = history.at(-1) ?? null
  return {
    type: 'retries',
    error: new GovernanceError(
      'NR-E101',
      `Job ${jobId} has used all ${budget.max_retries} retries`,
      {
        job_id: jobId,
        max_retries: budget.max_retries,
        attempts: retriesUsed + 1,
        retry_history: history,
        last_error: last?.error ?? null,
        last_error_type: last?.error_type ?? null
      }
    )
  }
}

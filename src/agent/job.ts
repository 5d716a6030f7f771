import { BudgetSchema, type Budget } from '../shared/neurorail'
import { runAttempt } from './attempt'
import { backoffDelay, sleep } from './backoff'
import {
  CancelledError,
  ControlDeckError,
  errorFromResponse,
  GovernanceError,
  RetryExhaustedError,
  localGovernanceError
} from './errors'
import { retryAfterMs } from './http'
import type { HeldSpan } from './otel'
import { outcomeOf, type AgentSession, type MovesOutcome } from './session'
import type { BudgetInput, JobFunction, JobOptions, JobOutcome } from './types'

/** Job states from which the SDK has nothing left to move. */
const JOB_TERMINAL = new Set(['succeeded', 'failed_ethical', 'timeout', 'cancelled'])

interface JobIds {
  missionId: string
  planId: string
  /** The mission's OpenTelemetry span, parent of the job's. */
  missionSpan?: HeldSpan | null
}

/** Resolves a budget input with the backend's defaults; bad input is the caller's bug. */
export function resolveBudget(input: BudgetInput | undefined): Budget {
  const parsed = BudgetSchema.safeParse(input ?? {})
  if (!parsed.success) {
    throw new ControlDeckError(
      'invalid_argument',
      `Invalid budget: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'budget'}: ${i.message}`).join('; ')}`,
      false
    )
  }
  return parsed.data
}

/**
 * Runs one governed job: creates the job (budget in `metadata.budget`) and its attempts, moves
 * every lifecycle state (job pending → ready → running → succeeded | failed_mechanical → retry … |
 * timeout | cancelled; attempt created → running → succeeded | failed_*), runs `fn` under the
 * budget, and retries mechanical failures and retriable refusals with backoff until `max_retries`.
 *
 * The engine's refusals are authoritative: a refused attempt start (open circuit, cooldown,
 * parallelism) counts as a failed try, and its `Retry-After` stretches the backoff.
 */
export async function runJob<T>(
  session: AgentSession,
  ids: JobIds,
  jobType: string,
  budgetInput: BudgetInput | undefined,
  fn: JobFunction<T>,
  options: JobOptions = {}
): Promise<JobOutcome<T>> {
  if (typeof jobType !== 'string' || jobType.length === 0) {
    throw new ControlDeckError('invalid_argument', 'job type must be a non-empty string', false)
  }
  if (typeof fn !== 'function')
    throw new ControlDeckError('invalid_argument', 'job function is required', false)
  const budget = resolveBudget(budgetInput)
  const cancel = options.signal
    ? AbortSignal.any([options.signal, session.shutdownSignal])
    : session.shutdownSignal
  if (cancel.aborted) throw new CancelledError()

  const jobBody = {
    plan_id: ids.planId,
    job_type: jobType,
    dependencies: options.dependencies ?? [],
    metadata: { ...options.metadata, budget, ...(options.tool ? { tool: options.tool } : {}) }
  }
  // On our engine the job walks pending → ready → running in its create request (one round trip);
  // elsewhere it is created alone and walked below, the first attempt created meanwhile.
  let jobId: string
  let walked: MovesOutcome | null = null
  let firstAttempt: unknown = undefined
  if (session.canCreateWithTransitions) {
    // With `create_job_attempt` the first attempt (create → start) comes in the same request.
    const withAttempt = session.features.has('create_job_attempt')
    const body = withAttempt
      ? {
          ...jobBody,
          attempt: {
            attempt_number: 1,
            metadata: {},
            transitions: [{ transition: 'create' }, { transition: 'start' }],
            // Where the engine can, an attempt whose start is refused is not created at all.
            ...(session.features.has('atomic_create') ? { atomic: true } : {})
          }
        }
      : jobBody
    const made = await session.create<{ job_id: string; attempt?: unknown }>(
      'job',
      body,
      (r) => r.job_id,
      ['create', 'dependencies_met', 'start']
    )
    jobId = made.record.job_id
    walked = made.outcome
    if (withAttempt) firstAttempt = made.record.attempt ?? null
  } else {
    jobId = (await session.http.post<{ job_id: string }>('/identity/job', jobBody)).job_id
  }
  const span = session.tracing.job(ids.missionSpan ?? null, jobType, options.tool, options.genAi)
  session.tracing.annotate(span, {
    'controldeck.mission_id': ids.missionId,
    'controldeck.job_id': jobId
  })
  const usage = { llmTokens: 0, costCredits: 0, inputTokens: 0, outputTokens: 0 }
  try {
    const outcome = await governedLoop(
      session,
      { ...ids, jobId, span },
      budget,
      fn,
      cancel,
      walked,
      firstAttempt,
      usage
    )
    session.tracing.annotate(span, spanUsage(usage, outcome.attempts))
    session.tracing.end(span)
    return outcome
  } catch (err) {
    if (err instanceof ControlDeckError && err.details.job_id === undefined)
      err.details.job_id = jobId
    session.tracing.annotate(span, spanUsage(usage, null))
    session.tracing.end(span, err)
    throw err
  }
}

/**
 * An attempt the loop holds: its id, and the outcome of its `start` when made with its creation.
 * `id` is null when the engine refused the start of an atomic create: no attempt exists then.
 */
interface HeldAttempt {
  id: string | null
  start: MovesOutcome | null
}

async function governedLoop<T>(
  session: AgentSession,
  ids: JobIds & { jobId: string; span: HeldSpan | null },
  budget: Budget,
  fn: JobFunction<T>,
  cancel: AbortSignal,
  /** The job's create → dependencies_met → start, when already made with its creation. */
  walked: MovesOutcome | null,
  /** The `attempt` the job create answered with (`create_job_attempt`); undefined when not asked. */
  firstAttempt: unknown,
  /** Job-wide usage, shared across attempts (the caller puts it on the job's span). */
  usage: { llmTokens: number; costCredits: number; inputTokens: number; outputTokens: number }
): Promise<JobOutcome<T>> {
  const { jobId } = ids
  let attemptNumber = 0
  /** The engine creates an attempt only together with its start (no attempt left in `created`). */
  const atomic = session.features.has('atomic_create')
  /** Creates the next attempt (`create` transition made); with `start`, starts it in the same round trip where the engine allows. */
  const newAttempt = async (start: boolean): Promise<HeldAttempt> => {
    attemptNumber += 1
    const body = { job_id: jobId, attempt_number: attemptNumber, metadata: {} }
    if (start && session.canCreateWithTransitions) {
      let made: { record: { attempt_id: string }; outcome: MovesOutcome }
      try {
        made = await session.create<{ attempt_id: string }>(
          'attempt',
          atomic ? { ...body, atomic: true } : body,
          (r) => r.attempt_id,
          ['create', 'start']
        )
      } catch (err) {
        // An atomic create answers a refused start with the refusal itself: nothing was created.
        if (atomic && err instanceof GovernanceError)
          return { id: null, start: { states: [], error: err } }
        throw err
      }
      // A failed `create` is a failure of the call, as with separate requests; a failed start is the loop's to handle.
      if (made.outcome.states.length === 0) throw made.outcome.error
      return {
        id: made.record.attempt_id,
        start: { states: made.outcome.states.slice(1), error: made.outcome.error }
      }
    }
    const attempt = await session.http.post<{ attempt_id: string }>('/identity/attempt', body)
    await session.transition('attempt', attempt.attempt_id, 'create')
    return { id: attempt.attempt_id, start: null }
  }

  let pending: Promise<HeldAttempt> | null = null
  let jobState: string
  /** The refusal of the job's first start, when that start was made with its creation. */
  let firstStartError: unknown = null
  if (walked) {
    // create and dependencies_met must succeed, as with separate calls; a refused start is
    // handled by the loop's first try like any other refused start.
    if (walked.states.length < 2) throw walked.error
    jobState = walked.states[walked.states.length - 1] as string
    if (walked.error === null && firstAttempt !== undefined && firstAttempt !== null) {
      attemptNumber = 1
      pending = Promise.resolve(heldFirstAttempt(firstAttempt, atomic))
      pending.catch(() => undefined)
    } else if (walked.error !== null) {
      firstStartError = walked.error
      if (!atomic) {
        // As with separate calls, the first attempt exists (created) even when the job may not start yet.
        pending = newAttempt(false)
        pending.catch(() => undefined)
      }
    }
  } else {
    // The first attempt's identity does not depend on the job's state: create it while the job
    // walks pending → ready, which saves two round trips on every job.
    pending = newAttempt(false)
    pending.catch(() => undefined)
    jobState = await session.transition('job', jobId, 'create')
    jobState = await session.transition('job', jobId, 'dependencies_met')
  }

  const maxTries = budget.max_retries + 1
  let lastError: unknown = null
  let started = 0

  for (let tryIndex = 0; tryIndex < maxTries; tryIndex++) {
    if (tryIndex > 0) {
      try {
        await sleep(retryDelay(session, tryIndex - 1, lastError), cancel)
      } catch {
        /* cancelled while waiting: handled just below */
      }
    }
    if (cancel.aborted) return cancelJob(session, jobId, jobState, pending)

    if (jobState !== 'running' || firstStartError !== null) {
      try {
        if (firstStartError !== null) {
          const refused = firstStartError
          firstStartError = null
          throw refused
        }
        jobState =
          jobState === 'failed_mechanical'
            ? // The engine keeps the retry history from this metadata (BRAiN's E101 details).
              await session.transition('job', jobId, 'retry', retryMetadata(lastError))
            : await session.transition('job', jobId, 'start')
      } catch (err) {
        if (!(err instanceof GovernanceError)) throw err
        lastError = err
        if (!err.retriable) break
        continue
      }
    }

    if (!pending) {
      pending = newAttempt(true)
      pending.catch(() => undefined)
    }
    const attempt = await pending
    const attemptId = attempt.id
    let startError: unknown = null
    if (attempt.start) startError = attempt.start.error
    else if (attemptId !== null) {
      try {
        await session.transition('attempt', attemptId, 'start')
      } catch (err) {
        startError = err
      }
    }
    if (startError !== null) {
      if (!(startError instanceof GovernanceError)) throw startError
      // Refused before running. An atomic create left nothing (the next try creates this number
      // again); otherwise the attempt stays `created` and is reused by the next try.
      lastError = startError
      if (attemptId === null) {
        attemptNumber -= 1
        pending = null
      } else pending = Promise.resolve({ id: attemptId, start: null })
      // The job's failure carries the refusal's code (error_code NR-E140, NR-E006, …).
      jobState = await session.settle('job', jobId, 'fail', failureMetadata(startError))
      if (!startError.retriable) break
      continue
    }
    if (attemptId === null)
      throw new ControlDeckError(
        'bad_response',
        'the engine created no attempt and refused nothing',
        false
      )
    pending = null
    started += 1

    session.tracing.event(ids.span, 'controldeck.attempt.start', {
      'controldeck.attempt_id': attemptId,
      'controldeck.attempt_number': attemptNumber
    })
    const result = await runAttempt(
      { session, ...ids, attemptId, attempt: attemptNumber, budget, usage, cancel },
      fn
    )
    session.tracing.event(ids.span, 'controldeck.attempt.end', {
      'controldeck.attempt_id': attemptId,
      'controldeck.outcome': result.kind
    })
    const close = (
      attemptAction: string,
      attemptMd: Record<string, unknown>,
      jobAction: string,
      jobMd: Record<string, unknown>
    ) =>
      session.settleAll([
        { entity: 'attempt', id: attemptId, action: attemptAction, metadata: attemptMd },
        { entity: 'job', id: jobId, action: jobAction, metadata: jobMd }
      ])
    switch (result.kind) {
      case 'ok':
        await close('complete', usageMetadata(usage), 'complete', usageMetadata(usage))
        return { jobId, attempts: started, value: result.value }
      case 'timeout':
        await close(
          'timeout',
          failureMetadata(result.error),
          'timeout',
          failureMetadata(result.error)
        )
        throw result.error
      case 'cancelled':
        await close(
          'fail',
          { error_code: 'CANCELLED', error_message: result.error.message },
          'cancel',
          { reason: result.error.message }
        )
        throw result.error
      case 'budget': {
        // error_code containing RESOURCE makes the attempt failed_resource (API §4).
        const states = await close(
          'fail',
          { ...failureMetadata(result.error), error_code: 'RESOURCE_EXCEEDED' },
          'fail',
          failureMetadata(result.error)
        )
        await giveUp(session, jobId, states[1] as string, result.error, result.error.code)
        throw result.error
      }
      case 'error':
        lastError = result.error
        jobState = (
          await close('fail', failureMetadata(result.error), 'fail', failureMetadata(result.error))
        )[1] as string
        if (!result.retriable) {
          await giveUp(session, jobId, jobState, result.error, 'AGENT_ERROR')
          throw result.error
        }
        break
    }
  }
  await giveUp(session, jobId, jobState, lastError, 'NR-E101')

  // A refusal (open circuit, cooldown, parallelism, the engine's own E101) says more than a
  // generic "retries exhausted": surface it as its typed error.
  if (lastError instanceof GovernanceError) throw lastError
  const exhausted = localGovernanceError(
    'NR-E101',
    `The job failed ${maxTries} time(s); its retry budget of ${budget.max_retries} is used up. Last error: ${errorMessage(lastError)}`,
    {
      max_retries: budget.max_retries,
      attempts: started,
      last_error: errorMessage(lastError),
      last_error_type: errorName(lastError),
      job_id: jobId
    }
  ) as RetryExhaustedError
  ;(exhausted as Error).cause = lastError
  throw exhausted
}

/**
 * The first attempt a job create made (`create_job_attempt`), as the loop holds it. Throws what
 * separate calls would have thrown when it could not be created or could not take `create`.
 */
function heldFirstAttempt(raw: unknown, atomic: boolean): HeldAttempt {
  const a = raw as {
    attempt_id?: unknown
    lifecycle?: { results?: unknown }
    error?: { status?: unknown; body?: unknown; headers?: Record<string, string> }
  }
  if (a.error || typeof a.attempt_id !== 'string') {
    const status = typeof a.error?.status === 'number' ? a.error.status : 0
    const retryAfter = retryAfterMs(
      a.error?.headers?.['retry-after'] ?? a.error?.headers?.['Retry-After']
    )
    const error = errorFromResponse(
      status,
      a.error?.body ?? { detail: 'the engine did not create the first attempt' },
      'POST',
      '/identity/attempt',
      retryAfter
    )
    // An atomic create whose start was refused: no attempt, and the refusal is the start's outcome.
    if (atomic && error instanceof GovernanceError)
      return { id: null, start: { states: [], error } }
    throw error
  }
  const id = a.attempt_id
  const outcome = outcomeOf(
    [
      { entity: 'attempt', id, action: 'create' },
      { entity: 'attempt', id, action: 'start' }
    ],
    a.lifecycle?.results
  )
  if (outcome.states.length === 0) throw outcome.error
  return { id, start: { states: outcome.states.slice(1), error: outcome.error } }
}

/**
 * Tells the engine the SDK stops trying (feature `job_give_up`), so a job left waiting in
 * failed_mechanical or ready reads as given up, not as awaiting a retry, with the code that ended
 * it. Best effort: the job's own error is what the caller must see, and the engine marks jobs
 * whose retries are spent by itself.
 */
async function giveUp(
  session: AgentSession,
  jobId: string,
  jobState: string,
  lastError: unknown,
  fallbackCode: string
): Promise<void> {
  if (
    !session.features.has('job_give_up') ||
    (jobState !== 'failed_mechanical' && jobState !== 'ready')
  )
    return
  // A refusal's own code says more than the fallback (a generic "retries used up").
  const code = lastError instanceof GovernanceError ? lastError.code : fallbackCode
  const reason = lastError === null ? 'the agent gave up' : errorMessage(lastError).slice(0, 500)
  await session.http.post(`/budget/jobs/${jobId}/give-up`, { code, reason }).catch(() => undefined)
}

/** Cancels a job that had not started its next attempt (cancel arrived between tries). */
async function cancelJob(
  session: AgentSession,
  jobId: string,
  jobState: string,
  pending: Promise<HeldAttempt> | null
): Promise<never> {
  if (pending) await pending.catch(() => undefined)
  if (!JOB_TERMINAL.has(jobState))
    await session.settle('job', jobId, 'cancel', { reason: 'cancelled' })
  throw new CancelledError()
}

/** Backoff for retry number `retry`, stretched to the engine's Retry-After (capped at maxDelayMs). */
function retryDelay(session: AgentSession, retry: number, lastError: unknown): number {
  const delay = backoffDelay(retry, session.backoff)
  if (lastError instanceof GovernanceError && lastError.retryAfterMs !== null) {
    return Math.max(delay, Math.min(lastError.retryAfterMs, session.backoff.maxDelayMs))
  }
  return delay
}

function failureMetadata(err: unknown): Record<string, unknown> {
  const code = err instanceof ControlDeckError ? err.code : 'AGENT_ERROR'
  return {
    error_code: code,
    error_category: 'mechanical',
    error_type: errorName(err),
    // `error` is the engine's own key for the message; `error_message` reads better in audit rows.
    error: errorMessage(err).slice(0, 2000),
    error_message: errorMessage(err).slice(0, 2000)
  }
}

function retryMetadata(lastError: unknown): Record<string, unknown> {
  return lastError === null
    ? {}
    : { error: errorMessage(lastError).slice(0, 2000), error_type: errorName(lastError) }
}

/** The job's usage as GenAI span attributes. */
function spanUsage(
  usage: { llmTokens: number; costCredits: number; inputTokens: number; outputTokens: number },
  attempts: number | null
): Record<string, number> {
  return {
    ...(usage.inputTokens > 0 ? { 'gen_ai.usage.input_tokens': usage.inputTokens } : {}),
    ...(usage.outputTokens > 0 ? { 'gen_ai.usage.output_tokens': usage.outputTokens } : {}),
    ...(usage.llmTokens > 0 ? { 'controldeck.llm_tokens': usage.llmTokens } : {}),
    ...(usage.costCredits > 0 ? { 'controldeck.cost_credits': usage.costCredits } : {}),
    ...(attempts !== null ? { 'controldeck.attempts': attempts } : {})
  }
}

function usageMetadata(usage: { llmTokens: number; costCredits: number }): Record<string, unknown> {
  return usage.llmTokens > 0 || usage.costCredits > 0
    ? { llm_tokens: usage.llmTokens, cost_credits: usage.costCredits }
    : {}
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err))
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err
}

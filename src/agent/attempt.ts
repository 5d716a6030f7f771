import type { Budget } from '../shared/neurorail'
import {
  BudgetExceededError,
  BudgetTimeoutError,
  CancelledError,
  GovernanceError,
  isControlDeckError,
  localGovernanceError
} from './errors'
import type { HeldSpan } from './otel'
import type { AgentSession } from './session'
import type { JobContext, JobFunction, Usage } from './types'

/** How one attempt ended, as the job loop needs to know it. */
export type AttemptResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'timeout'; error: BudgetTimeoutError }
  | { kind: 'cancelled'; error: CancelledError }
  | { kind: 'budget'; error: GovernanceError }
  | { kind: 'error'; error: unknown; retriable: boolean }

/** Ids and shared state one attempt runs with. */
export interface AttemptSetup {
  session: AgentSession
  missionId: string
  planId: string
  jobId: string
  attemptId: string
  attempt: number
  budget: Budget
  /** Job-wide usage, shared across attempts and mutated by reportUsage. */
  usage: { llmTokens: number; costCredits: number; inputTokens?: number; outputTokens?: number }
  /** The job's OpenTelemetry span: the function runs with it active. */
  span?: HeldSpan | null
  /** Cancels the job (caller's signal, agent shutdown). */
  cancel: AbortSignal
}

/**
 * Runs one attempt of a job function under its budget: aborts its signal at `timeout_ms`, on a
 * usage report over the token/cost budget (the engine's refusal or our own check) and on cancel,
 * and settles as soon as the signal aborts — a function that ignores its signal is abandoned, not
 * awaited, so the engine's record reflects the budget, not the function's manners.
 */
export async function runAttempt<T>(
  setup: AttemptSetup,
  fn: JobFunction<T>
): Promise<AttemptResult<T>> {
  const { budget, usage } = setup
  const controller = new AbortController()
  const startedAt = Date.now()

  const onCancel = (): void =>
    controller.abort(new CancelledError(cancelMessage(setup.cancel.reason)))
  if (setup.cancel.aborted) onCancel()
  else setup.cancel.addEventListener('abort', onCancel, { once: true })

  const timer = setTimeout(() => {
    controller.abort(
      localGovernanceError(
        'NR-E100',
        `The attempt ran longer than its timeout of ${budget.timeout_ms} ms.`,
        {
          timeout_ms: budget.timeout_ms,
          elapsed_ms: Date.now() - startedAt,
          grace_period_ms: budget.grace_period_ms,
          attempt_id: setup.attemptId
        }
      )
    )
  }, budget.timeout_ms)

  const ctx: JobContext = {
    signal: controller.signal,
    attempt: setup.attempt,
    missionId: setup.missionId,
    planId: setup.planId,
    jobId: setup.jobId,
    attemptId: setup.attemptId,
    budget,
    usage,
    reportUsage: (delta) => reportUsage(setup, controller, delta)
  }

  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason)
    else
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true
      })
  })
  // With OTel, the agent's own spans inside `fn` (its model client's) nest under the job's span.
  const work = Promise.resolve().then(() =>
    setup.session.tracing.run(setup.span ?? null, () => fn(ctx))
  )
  // The function may settle after we gave up on it; its late rejection must not crash the process.
  work.catch(() => undefined)
  aborted.catch(() => undefined)

  try {
    const value = await Promise.race([work, aborted])
    return { kind: 'ok', value }
  } catch (err) {
    // Once the signal fired, its reason is the outcome, whatever the function threw in reaction.
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : err
    return classify(reason)
  } finally {
    clearTimeout(timer)
    setup.cancel.removeEventListener('abort', onCancel)
  }
}

function classify<T>(reason: unknown): AttemptResult<T> {
  if (reason instanceof BudgetTimeoutError) return { kind: 'timeout', error: reason }
  if (reason instanceof CancelledError) return { kind: 'cancelled', error: reason }
  if (reason instanceof BudgetExceededError) return { kind: 'budget', error: reason }
  if (isControlDeckError(reason))
    return { kind: 'error', error: reason, retriable: reason.retriable }
  // Anything else a job function throws is a mechanical failure: retriable by default.
  return { kind: 'error', error: reason, retriable: true }
}

function cancelMessage(reason: unknown): string {
  if (reason instanceof CancelledError) return reason.message
  if (typeof reason === 'string') return `The job was cancelled: ${reason}`
  return 'The job was cancelled.'
}

/** Adds usage, reports it to the engine, and aborts the attempt when the job goes over budget. */
async function reportUsage(
  setup: AttemptSetup,
  controller: AbortController,
  delta: Usage
): Promise<void> {
  if (controller.signal.aborted) throw controller.signal.reason
  const input = Math.round(nonNegative(delta.inputTokens, 'inputTokens'))
  const output = Math.round(nonNegative(delta.outputTokens, 'outputTokens'))
  const tokens =
    delta.llmTokens === undefined
      ? input + output
      : Math.round(nonNegative(delta.llmTokens, 'llmTokens'))
  const credits = nonNegative(delta.costCredits, 'costCredits')
  const { usage, budget, session } = setup
  usage.llmTokens += tokens
  usage.costCredits += credits
  usage.inputTokens = (usage.inputTokens ?? 0) + input
  usage.outputTokens = (usage.outputTokens ?? 0) + output

  if (session.canReportUsage && (tokens > 0 || credits > 0)) {
    try {
      await session.http.post('/telemetry/report', {
        entity_id: setup.attemptId,
        ...(tokens > 0 ? { llm_tokens: tokens } : {}),
        ...(credits > 0 ? { cost_credits: credits } : {})
      })
    } catch (err) {
      // The engine's refusal is authoritative: it ends the attempt like our own check would.
      if (err instanceof GovernanceError) controller.abort(err)
      throw err
    }
  }

  let violation: GovernanceError | null = null
  if (budget.max_llm_tokens !== null && usage.llmTokens > budget.max_llm_tokens) {
    violation = localGovernanceError(
      'NR-E104',
      `The job used ${usage.llmTokens} LLM tokens, over its budget of ${budget.max_llm_tokens}.`,
      {
        limit: budget.max_llm_tokens,
        consumed: usage.llmTokens,
        cost_type: 'llm_tokens',
        attempt_id: setup.attemptId
      }
    )
  } else if (budget.max_cost_credits !== null && usage.costCredits > budget.max_cost_credits) {
    violation = localGovernanceError(
      'NR-E103',
      `The job used ${usage.costCredits} credits, over its budget of ${budget.max_cost_credits}.`,
      {
        limit: budget.max_cost_credits,
        consumed: usage.costCredits,
        cost_type: 'cost_credits',
        attempt_id: setup.attemptId
      }
    )
  }
  if (violation) {
    controller.abort(violation)
    throw violation
  }
}

function nonNegative(value: number | undefined, name: string): number {
  if (value === undefined) return 0
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a finite number ≥ 0`)
  }
  return value
}

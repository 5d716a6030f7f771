import { runJob } from './job'
import type { HeldSpan } from './otel'
import type { AgentSession } from './session'
import type { BudgetInput, JobFunction, JobOptions, JobOutcome } from './types'

/** Mission states with no way out. */
const MISSION_TERMINAL = new Set(['completed', 'failed', 'timeout', 'cancelled'])

/**
 * A mission on the engine: the root of a trace. Created in `planning` (pending → planning); the
 * first plan moves it to `executing` (planned → executing). End it with `complete()`, `fail()` or
 * `cancel()`; on SIGTERM the agent cancels it for you.
 */
export class Mission {
  /** @internal */
  constructor(
    private readonly session: AgentSession,
    /** The mission id (`m_…`). */
    readonly id: string,
    private currentState: string,
    /** Its OpenTelemetry span (null without `connect({ otel })`). */
    private readonly span: HeldSpan | null = null
  ) {}

  /** The mission's lifecycle state as this agent last set or saw it. */
  get state(): string {
    return this.currentState
  }

  /** Whether the mission reached a terminal state (completed, failed, timeout, cancelled). */
  get finished(): boolean {
    return MISSION_TERMINAL.has(this.currentState)
  }

  /**
   * Creates a plan under this mission (`plan_type` sequential, parallel, dag or conditional —
   * free text on the wire). The first plan moves the mission planning → planned → executing.
   */
  async plan(planType = 'sequential', metadata: Record<string, unknown> = {}): Promise<Plan> {
    const record = await this.session.http.post<{ plan_id: string }>('/identity/plan', {
      mission_id: this.id,
      plan_type: planType,
      metadata
    })
    if (this.currentState === 'pending') {
      this.currentState = await this.session.transition('mission', this.id, 'start')
    }
    if (this.currentState === 'planning') {
      this.currentState = await this.session.transition('mission', this.id, 'plan_ready')
    }
    if (this.currentState === 'planned') {
      this.currentState = await this.session.transition('mission', this.id, 'execute')
    }
    return new Plan(this.session, this.id, record.plan_id, this.span)
  }

  /** Marks the mission completed (from executing). */
  complete(metadata: Record<string, unknown> = {}): Promise<string> {
    return this.finish('complete', metadata)
  }

  /** Marks the mission failed, recording the error's message. */
  fail(error?: unknown, metadata: Record<string, unknown> = {}): Promise<string> {
    const message =
      error instanceof Error ? error.message : error === undefined ? undefined : String(error)
    return this.finish('fail', message ? { ...metadata, error_message: message } : metadata)
  }

  /** Cancels the mission (from any non-terminal state). */
  cancel(reason = 'cancelled'): Promise<string> {
    return this.finish('cancel', { reason })
  }

  private async finish(action: string, metadata: Record<string, unknown>): Promise<string> {
    if (this.finished) return this.currentState
    this.currentState = await this.session.settle('mission', this.id, action, metadata)
    this.session.tracing.annotate(this.span, { 'controldeck.state': this.currentState })
    this.session.tracing.end(
      this.span,
      this.currentState === 'completed'
        ? undefined
        : new Error(String(metadata.error_message ?? metadata.reason ?? this.currentState))
    )
    return this.currentState
  }

  /** @internal Records a state learnt elsewhere (adoption). */
  setState(state: string): void {
    this.currentState = state
  }
}

/** A plan under a mission: where jobs are created. Plans have no lifecycle (API §4). */
export class Plan {
  /** @internal */
  constructor(
    private readonly session: AgentSession,
    /** The mission this plan belongs to. */
    readonly missionId: string,
    /** The plan id (`p_…`). */
    readonly id: string,
    private readonly missionSpan: HeldSpan | null = null
  ) {}

  /**
   * Runs one governed job and resolves to `fn`'s value. See {@link Plan.runJob} for the details;
   * this is the same call without the outcome wrapper.
   *
   * @example
   * const answer = await plan.job('llm_call', { timeout_ms: 10_000, max_llm_tokens: 2_000 }, async (ctx) => {
   *   const reply = await callModel(prompt, { signal: ctx.signal })
   *   await ctx.reportUsage({ llmTokens: reply.usage.total_tokens })
   *   return reply.text
   * })
   */
  async job<T>(
    jobType: string,
    budget: BudgetInput | undefined,
    fn: JobFunction<T>,
    options?: JobOptions
  ): Promise<T> {
    return (await this.runJob(jobType, budget, fn, options)).value
  }

  /**
   * Runs one governed job: creates it with its budget, creates its attempts, makes every lifecycle
   * transition, aborts `ctx.signal` at the budget's timeout or on a token/cost violation, retries
   * failures with backoff until `max_retries`, and resolves to `{jobId, attempts, value}`.
   *
   * Rejects with a typed error (its `details.job_id` names the job): BudgetTimeoutError (NR-E100,
   * job `timeout`), BudgetExceededError (NR-E103/E104, not retried), RetryExhaustedError
   * (NR-E101, `cause` = the function's last error) when the function kept failing, the engine's
   * refusal itself — CircuitOpenError (E140), CooldownError (E006), ParallelismError (E102) — when
   * the last try was refused, CancelledError, or whatever `fn` threw as a NonRetriableError.
   */
  runJob<T>(
    jobType: string,
    budget: BudgetInput | undefined,
    fn: JobFunction<T>,
    options?: JobOptions
  ): Promise<JobOutcome<T>> {
    return this.session.track(
      runJob(
        this.session,
        { missionId: this.missionId, planId: this.id, missionSpan: this.missionSpan },
        jobType,
        budget,
        fn,
        options
      )
    )
  }
}

import type { z } from 'zod'
import type { Budget, BudgetSchema } from '../shared/neurorail'
import type { BackoffOptions } from './backoff'
import type { GenAiInfo, OtelOptions } from './otel'

/**
 * A job's budget as you write it (API §8; snake_case like the wire). Every field is optional and
 * takes the backend's default: `timeout_ms` 30000, `max_retries` 3 (0 = no retries),
 * `max_parallel_attempts` 5, `max_global_parallel` 100, `max_llm_tokens` and `max_cost_credits`
 * unlimited, `grace_period_ms` 5000.
 */
export type BudgetInput = Partial<z.input<typeof BudgetSchema>>

/** A resolved budget (every default filled in). */
export type { Budget }

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Engine base URL. Default: the `CONTROLDECK_URL` environment variable. */
  url?: string
  /** Bearer token. Default: the `CONTROLDECK_TOKEN` environment variable. */
  token?: string
  /**
   * Retry backoff. Default: API §8's 1 s × 2ⁿ capped at 60 s with jitter ×0.5–1.5. Tests and
   * demos lower `baseDelayMs` to run fast. A refusal's `Retry-After` is honoured up to `maxDelayMs`.
   */
  backoff?: Partial<BackoffOptions>
  /**
   * On SIGTERM/SIGINT, cancel every open attempt, job and mission on the engine, then exit
   * (code 143/130). Default true. Turn it off when the host process owns its signals.
   */
  handleSignals?: boolean
  /**
   * Adopt this mission (created by the console or `controldeck run`) on the first `mission()`
   * call instead of creating one. Default: the `CONTROLDECK_MISSION_ID` environment variable.
   */
  missionId?: string
  /** Per-request timeout in ms. Default 30000. */
  requestTimeoutMs?: number
  /** Most keep-alive sockets to the engine. Default 64. */
  maxSockets?: number
  /**
   * OpenTelemetry: pass your `@opentelemetry/api` module (`import * as api from
   * '@opentelemetry/api'`) and the SDK emits a span per mission (`invoke_agent`) and per job
   * (`chat gpt-4o`, `execute_tool search`…) with the GenAI attributes, into your own pipeline.
   * Without it nothing OpenTelemetry is loaded. See README, "OpenTelemetry".
   */
  otel?: OtelOptions
}

/** Options of {@link ControlDeckAgent.mission}. */
export interface MissionOptions {
  /** String tags stored on the mission (e.g. `{agent: 'researcher'}`). */
  tags?: Record<string, string>
  /** Parent mission id, for sub-missions. */
  parentMissionId?: string
}

/** Options of {@link Plan.job} beyond type, budget and function. */
export interface JobOptions {
  /**
   * The tool or upstream this job calls, sent as `metadata.tool`. The engine keeps one circuit
   * breaker per job type (`job_type:<type>`) and one per tool (`tool:<name>`): jobs that call the
   * same failing tool trip the same breaker and are then refused with NR-E140.
   */
  tool?: string
  /** Extra job metadata (the SDK adds `budget`, and `tool` when given). */
  metadata?: Record<string, unknown>
  /** Job ids this job depends on (recorded; the SDK does not wait for them). */
  dependencies?: string[]
  /** Cancels the job: its attempt fails and the job ends `cancelled`. */
  signal?: AbortSignal
  /** The job in GenAI terms, for its OpenTelemetry span (with `connect({ otel })`). */
  genAi?: GenAiInfo
}

/** Tokens and credits one call of `reportUsage` adds. */
export interface Usage {
  /** Tokens to count against the budget; default `inputTokens + outputTokens`. */
  llmTokens?: number
  costCredits?: number
  /** Prompt tokens (`gen_ai.usage.input_tokens` on the job's span). */
  inputTokens?: number
  /** Completion tokens (`gen_ai.usage.output_tokens`). */
  outputTokens?: number
}

/** What a job function receives for one attempt. */
export interface JobContext {
  /** Aborts at the budget's timeout, on a budget violation, on cancel and on SIGTERM. Pass it on. */
  readonly signal: AbortSignal
  /** 1 for the first attempt, 2 for the first retry… */
  readonly attempt: number
  readonly missionId: string
  readonly planId: string
  readonly jobId: string
  readonly attemptId: string
  /** The resolved budget. */
  readonly budget: Budget
  /** Tokens and credits used by the whole job so far (all attempts). */
  readonly usage: Readonly<{ llmTokens: number; costCredits: number }>
  /**
   * Adds tokens/credits to the job's usage and reports them to the engine. When the job goes over
   * `max_llm_tokens` or `max_cost_credits` (the engine's refusal or the SDK's own check), the
   * attempt's signal aborts and the promise rejects with a BudgetExceededError; the job then fails
   * without retrying.
   */
  reportUsage(usage: Usage): Promise<void>
}

/** A job function: one attempt's work. Throw to fail the attempt (retried unless NonRetriableError). */
export type JobFunction<T> = (ctx: JobContext) => Promise<T> | T

/** What {@link Plan.runJob} resolves to. */
export interface JobOutcome<T> {
  jobId: string
  /** Attempts started (refused starts do not count). */
  attempts: number
  value: T
}

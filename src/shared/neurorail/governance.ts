import { z } from 'zod'
import { JsonObjectSchema } from './common'
import { pageSchema } from './extensions'

/**
 * Governance vocabulary shared by the engine, the console and the renderer (API §8). One list per
 * concept: the engine's types, the stream catalog and the console views all derive from these.
 */

/** Circuit breaker states. */
export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const
export const CircuitStateSchema = z.enum(CIRCUIT_STATES)
export type CircuitState = z.infer<typeof CircuitStateSchema>

/** Violation kinds: timeout E100, retries E101, parallelism E102, cost E103, tokens E104. */
export const VIOLATION_TYPES = ['timeout', 'retries', 'parallelism', 'cost', 'tokens'] as const
export const ViolationTypeSchema = z.enum(VIOLATION_TYPES)
export type ViolationType = z.infer<typeof ViolationTypeSchema>
/** The violation kind each budget error code stands for. */
export const VIOLATION_TYPE_BY_CODE: Readonly<Record<string, ViolationType>> = {
  'NR-E100': 'timeout',
  'NR-E101': 'retries',
  'NR-E102': 'parallelism',
  'NR-E103': 'cost',
  'NR-E104': 'tokens'
}

/**
 * The violation kind of a budget error code, or null for any other text — own keys only: a code
 * from a backend such as `constructor` must not find `Object.prototype`'s members.
 */
export function violationTypeOfCode(code: string | null | undefined): ViolationType | null {
  return code && Object.hasOwn(VIOLATION_TYPE_BY_CODE, code)
    ? (VIOLATION_TYPE_BY_CODE[code] ?? null)
    : null
}

/** Actions a reflex (or an operator) takes on a job. */
export const REFLEX_ACTION_TYPES = ['suspend', 'throttle', 'alert', 'cancel'] as const
export const ReflexActionTypeSchema = z.enum(REFLEX_ACTION_TYPES)
export type ReflexActionType = z.infer<typeof ReflexActionTypeSchema>

/** Everything recorded as a reflex action: the four actions, a resume, a circuit reset. */
export const RECORDED_REFLEX_ACTIONS = [...REFLEX_ACTION_TYPES, 'resume', 'reset_circuit'] as const
export const RecordedReflexActionSchema = z.enum(RECORDED_REFLEX_ACTIONS)
export type RecordedReflexAction = z.infer<typeof RecordedReflexActionSchema>

/** Why a trigger fired. */
export const TRIGGER_REASONS = ['error_rate', 'budget_violations'] as const
export const TriggerReasonSchema = z.enum(TRIGGER_REASONS)
export type TriggerReason = z.infer<typeof TriggerReasonSchema>

// ---- Governance endpoint shapes (our engine; the real backend has none of these routes).

/** Circuit breaker tuning as a snapshot reports it (API §8 defaults: 5 failures, 60 s, 2, 1). */
export const CircuitOptionsSchema = z.object({
  failureThreshold: z.number(),
  recoveryTimeoutMs: z.number(),
  successThreshold: z.number(),
  halfOpenMaxCalls: z.number()
})

/** One circuit breaker (GET /reflex/circuits rows; POST …/reset's `circuit`). Times: epoch seconds. */
export const CircuitSnapshotSchema = z.object({
  circuit_id: z.string(),
  state: CircuitStateSchema,
  /** Consecutive failures that count toward opening (closed) or that opened it (open). */
  failure_count: z.number(),
  /** Successes counted toward closing (half-open only; 0 otherwise). */
  success_count: z.number(),
  half_open_calls: z.number(),
  total_calls: z.number(),
  total_failures: z.number(),
  total_successes: z.number(),
  open_count: z.number(),
  last_failure_time: z.number().nullable(),
  last_state_change_time: z.number(),
  /** When an open circuit admits its first probe; null unless open. */
  recovers_at: z.number().nullable(),
  options: CircuitOptionsSchema
})
export type CircuitSnapshot = z.infer<typeof CircuitSnapshotSchema>
/** GET /reflex/circuits. */
export const CircuitListSchema = z.object({ circuits: z.array(CircuitSnapshotSchema) })
/** POST /reflex/circuits/{id}/reset. */
export const CircuitResetSchema = z.object({ circuit: CircuitSnapshotSchema })

/** One recorded reflex action (GET /reflex/actions rows; the `action` of a job action's answer). */
export const ReflexActionRecordSchema = z.object({
  id: z.number().int(),
  timestamp: z.string(),
  job_id: z.string().nullable(),
  action_type: RecordedReflexActionSchema,
  reason: z.string(),
  success: z.boolean(),
  trigger_id: z.string().nullable(),
  /** `reflex` for trigger-driven actions, else the operator's token name. */
  actor: z.string(),
  /** `{cooldown_seconds}` for suspend/throttle, `{severity}` for alert, `{error}` on failure. */
  details: JsonObjectSchema
})
export type ReflexActionRecord = z.infer<typeof ReflexActionRecordSchema>
/** GET /reflex/actions. */
export const ReflexActionPageSchema = pageSchema(ReflexActionRecordSchema)

/** One reflex trigger (GET /reflex/triggers rows). */
export const TriggerSnapshotSchema = z.object({
  trigger_id: z.string(),
  error_rate: z.number(),
  recent_event_count: z.number(),
  budget_violations: z.number(),
  activation_count: z.number(),
  /** Epoch seconds of the last activation, or null. */
  last_activation_time: z.number().nullable(),
  config: z.object({
    errorRateThreshold: z.number(),
    windowMs: z.number(),
    minSamples: z.number(),
    budgetViolationThreshold: z.number()
  })
})
export type TriggerSnapshot = z.infer<typeof TriggerSnapshotSchema>
/** GET /reflex/triggers: the triggers and their newest activations. */
export const TriggerListSchema = z.object({
  triggers: z.array(TriggerSnapshotSchema),
  activations: z.array(z.record(z.string(), z.unknown()))
})

/** One job the reflex machine knows (GET /reflex/jobs rows). Times: epoch seconds. */
export const ReflexJobSchema = z.object({
  job_id: z.string(),
  current_state: z.string(),
  /** Until when the job is refused (NR-E006); null when no cooldown is set. */
  cooldown_until: z.number().nullable(),
  suspend_count: z.number(),
  throttle_count: z.number(),
  transition_count: z.number(),
  state_since: z.number(),
  reason: z.string().nullable(),
  cooldown_active: z.boolean(),
  cooldown_remaining_ms: z.number()
})
export type ReflexJob = z.infer<typeof ReflexJobSchema>
/** GET /reflex/jobs (held jobs). */
export const ReflexJobListSchema = z.object({ jobs: z.array(ReflexJobSchema) })

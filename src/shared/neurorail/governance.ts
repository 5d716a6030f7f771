import { z } from 'zod'

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

import { z } from 'zod'
import { JsonObjectSchema, NullableStringSchema, oneOfSchema, orElse, orNull } from './common'
import { DateTimeSchema } from './datetime'

/** Entities with a lifecycle state machine (API §4). Plans have none. */
export const LIFECYCLE_ENTITY_TYPES = ['mission', 'job', 'attempt'] as const
export const LifecycleEntityTypeSchema = z.enum(LIFECYCLE_ENTITY_TYPES, {
  error: 'entity_type must be one of mission, job, attempt (plans have no lifecycle)'
})
export type LifecycleEntityType = z.infer<typeof LifecycleEntityTypeSchema>

/** Mission states (§4). */
export const MISSION_STATES = [
  'pending',
  'planning',
  'planned',
  'executing',
  'completed',
  'failed',
  'timeout',
  'cancelled'
] as const
export const MissionStateSchema = z.enum(MISSION_STATES)
export type MissionState = z.infer<typeof MissionStateSchema>

/** Job states (§4); failed_mechanical is retriable, failed_ethical terminal. */
export const JOB_STATES = [
  'pending',
  'ready',
  'running',
  'succeeded',
  'failed_mechanical',
  'failed_ethical',
  'timeout',
  'cancelled'
] as const
export const JobStateSchema = z.enum(JOB_STATES)
export type JobState = z.infer<typeof JobStateSchema>

/** Attempt states (§4). */
export const ATTEMPT_STATES = [
  'created',
  'running',
  'succeeded',
  'failed_timeout',
  'failed_resource',
  'failed_error'
] as const
export const AttemptStateSchema = z.enum(ATTEMPT_STATES)
export type AttemptState = z.infer<typeof AttemptStateSchema>

/** Any lifecycle state of any entity. */
export const LifecycleStateSchema = z.union([
  MissionStateSchema,
  JobStateSchema,
  AttemptStateSchema
])
export type LifecycleState = z.infer<typeof LifecycleStateSchema>

/** State type per lifecycle entity. */
export interface LifecycleStateOf {
  mission: MissionState
  job: JobState
  attempt: AttemptState
}

/** Every `transition` action name any entity accepts (API §4 action table). */
export const TRANSITION_ACTIONS = [
  'create',
  'start',
  'plan_ready',
  'execute',
  'dependencies_met',
  'complete',
  'fail',
  'timeout',
  'cancel',
  'retry'
] as const
export const TransitionActionSchema = oneOfSchema('transition', TRANSITION_ACTIONS)
export type TransitionAction = z.infer<typeof TransitionActionSchema>

/**
 * POST /lifecycle/{type}/{id}/transition body. The real backend requires `entity_id` in the body and
 * then overwrites it with the path, so clients send it and servers ignore it.
 */
export const TransitionRequestSchema = z.object({
  entity_id: z.string().optional(),
  transition: TransitionActionSchema,
  metadata: JsonObjectSchema,
  caused_by: NullableStringSchema
})
export type TransitionRequest = z.infer<typeof TransitionRequestSchema>

/** One recorded transition (the 200 body of a transition, and each row of a history). */
export const StateTransitionEventSchema = z.object({
  event_id: z.string(),
  entity_type: LifecycleEntityTypeSchema,
  entity_id: z.string(),
  /** null for the first (`create`) transition. */
  from_state: orNull(LifecycleStateSchema),
  to_state: LifecycleStateSchema,
  transition: TransitionActionSchema,
  timestamp: DateTimeSchema,
  metadata: JsonObjectSchema,
  caused_by: NullableStringSchema
})
export type StateTransitionEvent = z.infer<typeof StateTransitionEventSchema>

/** GET /lifecycle/{type}/{id}/state. `updated_at` is the time of the request on the real backend. */
export const EntityStateResponseSchema = z.object({
  entity_type: LifecycleEntityTypeSchema,
  entity_id: z.string(),
  current_state: LifecycleStateSchema,
  updated_at: DateTimeSchema,
  metadata: orElse(
    z.looseObject({ allowed_transitions: orElse(z.array(LifecycleStateSchema), () => []) }),
    () => ({ allowed_transitions: [] })
  )
})
export type EntityStateResponse = z.infer<typeof EntityStateResponseSchema>

/** GET /lifecycle/{type}/{id}/history — transitions oldest first. */
export const HistoryResponseSchema = z.object({
  entity_type: LifecycleEntityTypeSchema,
  entity_id: z.string(),
  transitions: z.array(StateTransitionEventSchema),
  total_transitions: z.number().int().nonnegative()
})
export type HistoryResponse = z.infer<typeof HistoryResponseSchema>

/** Upper bound we enforce on `?limit=` of a history (the real backend has none; default 100). */
export const HISTORY_LIMIT_MAX = 1000

/** Query of GET …/history (`?limit=`, coerced from the query string). */
export const HistoryQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int('limit must be an integer')
    .min(1, 'limit must be at least 1')
    .max(HISTORY_LIMIT_MAX, `limit must be at most ${HISTORY_LIMIT_MAX}`)
    .default(100)
})
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>

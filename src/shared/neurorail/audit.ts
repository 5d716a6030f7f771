import { z } from 'zod'
import {
  CountMapSchema,
  JsonObjectSchema,
  NullableStringSchema,
  oneOfSchema,
  orNull
} from './common'
import { DateTimeSchema } from './datetime'
import {
  AttemptIdSchema,
  JobIdSchema,
  MissionIdSchema,
  PlanIdSchema,
  ResourceIdSchema
} from './ids'

/** Audit event categories (closed on the real backend). */
export const AUDIT_CATEGORIES = ['execution', 'governance', 'safety', 'telemetry'] as const
export const AuditCategorySchema = oneOfSchema('event_category', AUDIT_CATEGORIES)
export type AuditCategory = z.infer<typeof AuditCategorySchema>

/** Audit severities, lowest to highest. */
export const AUDIT_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const
export const AuditSeveritySchema = oneOfSchema('severity', AUDIT_SEVERITIES)
export type AuditSeverity = z.infer<typeof AuditSeveritySchema>

/** Event types the real backend's only emitter (ExecutionService) writes. */
export const KNOWN_AUDIT_EVENT_TYPES = [
  'execution_start',
  'execution_success',
  'execution_failure'
] as const

/**
 * Who an audit entry was recorded for (our engine's extension): the authenticated principal
 * (token name and role) of the request that made the engine write it. Set by the engine only, never
 * taken from a request body; null for entries the engine writes on its own (timers) and absent on
 * the real backend. Unlike `caused_by_agent`, which is the writer's claim, this is who wrote it.
 */
export const AuditRecorderSchema = z.object({
  name: z.string(),
  role: z.string()
})
export type AuditRecorder = z.infer<typeof AuditRecorderSchema>

/**
 * One audit event. Response side: tolerant (plain-string IDs, naive datetimes, `details` → {}).
 * Category is a closed enum; severity too, but BRAiN rows may carry none (`null`): such an event is
 * classified by its type instead (see `isFailureEvent`).
 */
export const AuditEventSchema = z.object({
  audit_id: z.string(),
  timestamp: DateTimeSchema,
  mission_id: NullableStringSchema,
  plan_id: NullableStringSchema,
  job_id: NullableStringSchema,
  attempt_id: NullableStringSchema,
  resource_uuid: NullableStringSchema,
  event_type: z.string(),
  event_category: AuditCategorySchema,
  severity: orNull(AuditSeveritySchema),
  message: z.string(),
  details: JsonObjectSchema,
  caused_by_agent: NullableStringSchema,
  caused_by_event: NullableStringSchema,
  recorded_by: AuditRecorderSchema.nullish()
})
export type AuditEvent = z.infer<typeof AuditEventSchema>

/** Bounds of `POST /audit/query` paging. */
export const AUDIT_LIMIT_MIN = 1
export const AUDIT_LIMIT_MAX = 1000
export const AUDIT_LIMIT_DEFAULT = 100

/** POST /audit/query body (no plan/attempt filter on the real backend). */
export const AuditQueryRequestSchema = z.object({
  mission_id: MissionIdSchema.nullish(),
  job_id: JobIdSchema.nullish(),
  event_type: z.string().min(1).nullish(),
  event_category: AuditCategorySchema.nullish(),
  severity: AuditSeveritySchema.nullish(),
  start_time: DateTimeSchema.nullish(),
  end_time: DateTimeSchema.nullish(),
  limit: z
    .number()
    .int('limit must be an integer')
    .min(AUDIT_LIMIT_MIN, `limit must be at least ${AUDIT_LIMIT_MIN}`)
    .max(AUDIT_LIMIT_MAX, `limit must be at most ${AUDIT_LIMIT_MAX}`)
    .default(AUDIT_LIMIT_DEFAULT),
  offset: z.number().int('offset must be an integer').min(0, 'offset must be 0 or more').default(0)
})
export type AuditQueryRequest = z.infer<typeof AuditQueryRequestSchema>

/** POST /audit/query response: events newest first. */
export const AuditQueryResponseSchema = z.object({
  events: z.array(AuditEventSchema),
  total: z.number().int().nonnegative(),
  limit: z.number().int(),
  offset: z.number().int()
})
export type AuditQueryResponse = z.infer<typeof AuditQueryResponseSchema>

/** GET /audit/mission/{mission_id}: a bare array, newest first, at most 1000. */
export const MissionAuditResponseSchema = z.array(AuditEventSchema)
export type MissionAuditResponse = z.infer<typeof MissionAuditResponseSchema>

/** GET /audit/stats query. */
export const AuditStatsQuerySchema = z.object({
  start_time: DateTimeSchema.nullish(),
  end_time: DateTimeSchema.nullish()
})
export type AuditStatsQuery = z.infer<typeof AuditStatsQuerySchema>

/** GET /audit/stats. `time_range_start` defaults to 0001-01-01T00:00:00 on the real backend. */
export const AuditStatsSchema = z.object({
  total_events: z.number().int().nonnegative(),
  events_by_category: CountMapSchema,
  events_by_severity: CountMapSchema,
  /** At most the top 20 types. */
  events_by_type: CountMapSchema,
  time_range_start: DateTimeSchema,
  time_range_end: DateTimeSchema
})
export type AuditStats = z.infer<typeof AuditStatsSchema>

/**
 * POST /audit/log (our engine's extension): an AuditEvent without `audit_id`/`timestamp`, which
 * the engine assigns. Strict where we control things: IDs by format, enums closed.
 */
export const AuditLogRequestSchema = z.object({
  mission_id: orNull(MissionIdSchema),
  plan_id: orNull(PlanIdSchema),
  job_id: orNull(JobIdSchema),
  attempt_id: orNull(AttemptIdSchema),
  resource_uuid: orNull(ResourceIdSchema),
  event_type: z.string().min(1, 'event_type must not be empty').max(100),
  event_category: AuditCategorySchema,
  severity: AuditSeveritySchema.default('info'),
  message: z.string().min(1, 'message must not be empty'),
  details: JsonObjectSchema,
  caused_by_agent: NullableStringSchema,
  caused_by_event: NullableStringSchema,
  /** Refused when present: the engine records the caller from its token. */
  recorded_by: z
    .never({ error: "recorded_by is set by the engine from the caller's token" })
    .optional()
})
export type AuditLogRequest = z.infer<typeof AuditLogRequestSchema>

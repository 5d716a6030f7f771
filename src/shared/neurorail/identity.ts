import { z } from 'zod'
import { JsonObjectSchema, NullableStringSchema, StringMapSchema, orElse, orNull } from './common'
import { DateTimeSchema } from './datetime'
import {
  AttemptIdSchema,
  EntityTypeSchema,
  JobIdSchema,
  MissionIdSchema,
  PlanIdSchema,
  type EntityType
} from './ids'

// ---- Requests (API §3 Identity). IDs are validated by prefix and format; extra keys are stripped.

/** Known plan types. The backend takes free text; these are the ones it names. */
export const PLAN_TYPES = ['sequential', 'parallel', 'dag', 'conditional'] as const
/** Job types the backend names; free text on the wire. */
export const KNOWN_JOB_TYPES = [
  'llm_call',
  'tool_execution',
  'policy_check',
  'manual_confirm'
] as const
/** Resource types the backend names; free text on the wire. */
export const KNOWN_RESOURCE_TYPES = ['llm_token', 'cpu_time', 'memory_mb', 'api_call'] as const

/** POST /identity/mission */
export const CreateMissionRequestSchema = z.object({
  parent_mission_id: orNull(MissionIdSchema),
  tags: StringMapSchema
})
export type CreateMissionRequest = z.infer<typeof CreateMissionRequestSchema>

/** POST /identity/plan */
export const CreatePlanRequestSchema = z.object({
  mission_id: MissionIdSchema,
  plan_type: z.string().min(1, 'plan_type must not be empty').default('sequential'),
  metadata: JsonObjectSchema
})
export type CreatePlanRequest = z.infer<typeof CreatePlanRequestSchema>

/** POST /identity/job (`job_type` is required; `dependencies` are job IDs). */
export const CreateJobRequestSchema = z.object({
  plan_id: PlanIdSchema,
  job_type: z.string().min(1, 'job_type must not be empty'),
  dependencies: z.array(JobIdSchema).default([]),
  metadata: JsonObjectSchema
})
export type CreateJobRequest = z.infer<typeof CreateJobRequestSchema>

/** POST /identity/attempt (`attempt_number` is required and counts from 1). */
export const CreateAttemptRequestSchema = z.object({
  job_id: JobIdSchema,
  attempt_number: z
    .number()
    .int('attempt_number must be an integer')
    .min(1, 'attempt_number starts at 1'),
  metadata: JsonObjectSchema
})
export type CreateAttemptRequest = z.infer<typeof CreateAttemptRequestSchema>

/** POST /identity/resource */
export const CreateResourceRequestSchema = z.object({
  attempt_id: AttemptIdSchema,
  resource_type: z.string().min(1, 'resource_type must not be empty'),
  metadata: JsonObjectSchema
})
export type CreateResourceRequest = z.infer<typeof CreateResourceRequestSchema>

// ---- Records (201 bodies and GET /identity/{type}/{id}). Tolerant: IDs are plain strings,
// datetimes may be naive, objects may be missing; unknown keys are stripped.

/** A mission (201 of POST /identity/mission, GET /identity/mission/{id}). */
export const MissionRecordSchema = z.object({
  mission_id: z.string(),
  created_at: DateTimeSchema,
  parent_mission_id: NullableStringSchema,
  tags: StringMapSchema
})
export type MissionRecord = z.infer<typeof MissionRecordSchema>

/** A plan (201 of POST /identity/plan, GET /identity/plan/{id}). */
export const PlanRecordSchema = z.object({
  plan_id: z.string(),
  mission_id: z.string(),
  created_at: DateTimeSchema,
  plan_type: z.string().default('sequential'),
  metadata: JsonObjectSchema
})
export type PlanRecord = z.infer<typeof PlanRecordSchema>

/** A job (201 of POST /identity/job, GET /identity/job/{id}). */
export const JobRecordSchema = z.object({
  job_id: z.string(),
  plan_id: z.string(),
  created_at: DateTimeSchema,
  job_type: z.string(),
  dependencies: orElse(z.array(z.string()), () => []),
  metadata: JsonObjectSchema
})
export type JobRecord = z.infer<typeof JobRecordSchema>

/** An attempt (201 of POST /identity/attempt, GET /identity/attempt/{id}). */
export const AttemptRecordSchema = z.object({
  attempt_id: z.string(),
  job_id: z.string(),
  attempt_number: z.number().int(),
  created_at: DateTimeSchema,
  metadata: JsonObjectSchema
})
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>

/** A resource (201 of POST /identity/resource, GET /identity/resource/{id}); its ID field is `resource_uuid`. */
export const ResourceRecordSchema = z.object({
  resource_uuid: z.string(),
  attempt_id: z.string(),
  resource_type: z.string(),
  created_at: DateTimeSchema,
  metadata: JsonObjectSchema
})
export type ResourceRecord = z.infer<typeof ResourceRecordSchema>

/** Record schema per entity type, for code that handles `GET /identity/{type}/{id}` generically. */
export const IDENTITY_RECORD_SCHEMAS = {
  mission: MissionRecordSchema,
  plan: PlanRecordSchema,
  job: JobRecordSchema,
  attempt: AttemptRecordSchema,
  resource: ResourceRecordSchema
} as const satisfies Record<EntityType, z.ZodType>

/** Create-request schema per entity type. */
export const CREATE_REQUEST_SCHEMAS = {
  mission: CreateMissionRequestSchema,
  plan: CreatePlanRequestSchema,
  job: CreateJobRequestSchema,
  attempt: CreateAttemptRequestSchema,
  resource: CreateResourceRequestSchema
} as const satisfies Record<EntityType, z.ZodType>

/** Any identity record. */
export type IdentityRecord = MissionRecord | PlanRecord | JobRecord | AttemptRecord | ResourceRecord

/**
 * The chain above (and including) one entity. It walks upward only, so levels below the
 * requested entity — and any level the backend could not find — are null.
 */
export const TraceChainSchema = z.object({
  mission: orNull(MissionRecordSchema),
  plan: orNull(PlanRecordSchema),
  job: orNull(JobRecordSchema),
  attempt: orNull(AttemptRecordSchema),
  resource: orNull(ResourceRecordSchema)
})
export type TraceChain = z.infer<typeof TraceChainSchema>

/** GET /identity/trace/{entity_type}/{id} — the chain is wrapped in `trace_chain`. */
export const TraceResponseSchema = z.object({
  entity_type: EntityTypeSchema,
  entity_id: z.string(),
  trace_chain: TraceChainSchema,
  created_at: DateTimeSchema
})
export type TraceResponse = z.infer<typeof TraceResponseSchema>

import { z } from 'zod'
import { NullableStringSchema, orElse, orNull } from './common'
import { DateTimeSchema } from './datetime'
import { DecisionSchema } from './governor'
import {
  AttemptRecordSchema,
  JobRecordSchema,
  MissionRecordSchema,
  PlanRecordSchema,
  ResourceRecordSchema
} from './identity'
import { AttemptIdSchema, EntityTypeSchema, JobIdSchema, MissionIdSchema } from './ids'
import {
  AttemptStateSchema,
  JobStateSchema,
  LifecycleEntityTypeSchema,
  LifecycleStateSchema,
  MissionStateSchema
} from './lifecycle'
import { RollupSchema } from './rollup'

// Extensions of our embedded engine (not on the real backend); listed in GET /capabilities.

/** GET /capabilities: its presence identifies our engine; absence means the BRAiN baseline. */
export const CapabilitiesSchema = z.object({
  engine: z.string(),
  version: z.string(),
  features: z.array(z.string()).default([]),
  /** Identity of the engine's event log (see StreamOpenSchema); absent on engines before it. */
  stream_epoch: z.string().max(200).optional()
})
export type Capabilities = z.infer<typeof CapabilitiesSchema>

/**
 * Feature names the governance module (src/engine/governance) lists: budgets enforced server-side,
 * reflexes, manifests, signals, and `job_give_up` (POST /budget/jobs/{id}/give-up, `jobs_given_up`
 * in /lifecycle/stats).
 */
export const GOVERNANCE_FEATURES = [
  'job_give_up',
  'budgets',
  'budget_enforcement',
  'reflex',
  'governor_manifests',
  'shadow_manifest',
  'signals'
] as const

/** Feature names our engine lists in `features`. */
export const ENGINE_FEATURES = [
  'lists',
  // `rollups=true` on the three list routes: per-item roll-ups (tokens, cost, counts, duration).
  'list_rollups',
  'children',
  'audit_log',
  'decisions_list',
  'telemetry_report',
  'lifecycle_stats',
  'metrics',
  'stream',
  'stream_replay',
  // The stream's log has an epoch (capabilities `stream_epoch`, the `stream_open` frame).
  'stream_epoch',
  'rbac',
  // Fewer round trips: POST /lifecycle/batch, and `transitions` on mission/job/attempt creates.
  'lifecycle_batch',
  'create_transitions',
  'create_job_attempt',
  // `atomic: true` on attempt creates: an attempt exists only once its transitions (its start) applied.
  'atomic_create',
  ...GOVERNANCE_FEATURES,
  // OTLP ingest (src/engine/otlp, docs/otel.md): POST /v1/traces, GenAI spans as missions.
  'otlp_ingest'
] as const

/** A cursor page: `{items, next_cursor}` (null on the last page). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next_cursor: NullableStringSchema
  })
}
/** A page of `T` items. */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

/** Largest page our list routes return. */
export const PAGE_LIMIT_MAX = 500
export const PAGE_LIMIT_DEFAULT = 50

const LimitSchema = z.coerce
  .number()
  .int('limit must be an integer')
  .min(1, 'limit must be at least 1')
  .max(PAGE_LIMIT_MAX, `limit must be at most ${PAGE_LIMIT_MAX}`)
  .default(PAGE_LIMIT_DEFAULT)

/** Common list query: `?cursor=&limit=`. */
export const PageQuerySchema = z.object({
  cursor: z.string().min(1).optional(),
  limit: LimitSchema
})
export type PageQuery = z.infer<typeof PageQuerySchema>

/** GET /identity/missions|jobs|attempts query. */
export const ListQuerySchema = PageQuerySchema.extend({
  state: LifecycleStateSchema.optional(),
  job_type: z.string().min(1).optional(),
  mission_id: MissionIdSchema.optional(),
  job_id: JobIdSchema.optional(),
  attempt_id: AttemptIdSchema.optional(),
  since: DateTimeSchema.optional(),
  until: DateTimeSchema.optional(),
  /** Extension `list_rollups`: `rollups=true` adds each item's `rollup` (src/shared/neurorail/rollup.ts). */
  rollups: z
    .enum(['true', 'false'], { error: 'rollups must be true or false' })
    .optional()
    .transform((v) => v === 'true')
})
export type ListQuery = z.infer<typeof ListQuerySchema>

/** Present on list items only when asked for with `rollups=true` (feature `list_rollups`). */
const optionalRollup = RollupSchema.optional()

/** A mission row of GET /identity/missions: the record plus its current state (null = never transitioned). */
export const MissionListItemSchema = MissionRecordSchema.extend({
  current_state: orNull(MissionStateSchema),
  rollup: optionalRollup
})
export type MissionListItem = z.infer<typeof MissionListItemSchema>

/** A job row of GET /identity/jobs: the record plus its current state. */
export const JobListItemSchema = JobRecordSchema.extend({
  current_state: orNull(JobStateSchema),
  rollup: optionalRollup
})
export type JobListItem = z.infer<typeof JobListItemSchema>

/** An attempt row of GET /identity/attempts: the record plus its current state. */
export const AttemptListItemSchema = AttemptRecordSchema.extend({
  current_state: orNull(AttemptStateSchema),
  rollup: optionalRollup
})
export type AttemptListItem = z.infer<typeof AttemptListItemSchema>

/** Pages of the three list routes. */
export const MissionPageSchema = pageSchema(MissionListItemSchema)
export type MissionPage = z.infer<typeof MissionPageSchema>
export const JobPageSchema = pageSchema(JobListItemSchema)
export type JobPage = z.infer<typeof JobPageSchema>
export const AttemptPageSchema = pageSchema(AttemptListItemSchema)
export type AttemptPage = z.infer<typeof AttemptPageSchema>

const arrayOrEmpty = <T extends z.ZodType>(s: T) => orElse(z.array(s), () => [])

/**
 * GET /identity/children/{entity_type}/{id}: direct and indirect children by level (irrelevant
 * levels empty). `?cursor&limit` page the largest list.
 */
export const ChildrenResponseSchema = z.object({
  entity_type: EntityTypeSchema,
  entity_id: z.string(),
  plans: arrayOrEmpty(PlanRecordSchema),
  jobs: arrayOrEmpty(JobListItemSchema),
  attempts: arrayOrEmpty(AttemptListItemSchema),
  resources: arrayOrEmpty(ResourceRecordSchema),
  next_cursor: NullableStringSchema
})
export type ChildrenResponse = z.infer<typeof ChildrenResponseSchema>

/** GET /governor/decisions: a page of decisions, newest first. */
export const DecisionListSchema = pageSchema(DecisionSchema)
export type DecisionList = z.infer<typeof DecisionListSchema>

/** GET /lifecycle/stats: current-state counts per entity type and transition counts. */
export const LifecycleStatsSchema = z.object({
  states: z.object({
    mission: z.record(z.string(), z.number()).default({}),
    job: z.record(z.string(), z.number()).default({}),
    attempt: z.record(z.string(), z.number()).default({})
  }),
  transitions: z
    .array(
      z.object({
        entity_type: LifecycleEntityTypeSchema,
        from_state: NullableStringSchema,
        to_state: z.string(),
        count: z.number().int().nonnegative()
      })
    )
    .default([]),
  /**
   * Jobs whose agent gave up on them (retries used up, or it said so), by current state: they sit
   * in a non-terminal state (failed_mechanical, ready) that nothing will move any more. Absent on
   * engines without the `job_give_up` feature.
   */
  jobs_given_up: z.record(z.string(), z.number().int().nonnegative()).optional()
})
export type LifecycleStats = z.infer<typeof LifecycleStatsSchema>

/**
 * An execution budget (API §8) with the real backend's defaults, for the engine's enforcement and
 * the console's run settings. `max_retries` 0 is treated as 3 by BRAiN; we keep 0 = no retries.
 */
export const BudgetSchema = z.object({
  timeout_ms: z.number().int().positive().default(30_000),
  max_retries: z
    .number()
    .int('max_retries must be an integer')
    .min(0, 'max_retries must be 0 or more')
    .max(10, 'max_retries must be at most 10')
    .default(3),
  max_parallel_attempts: z.number().int().positive().default(5),
  max_global_parallel: z.number().int().positive().default(100),
  max_llm_tokens: orNull(z.number().int().positive()),
  max_cost_credits: orNull(z.number().positive()),
  grace_period_ms: z.number().int().nonnegative().default(5_000)
})
export type Budget = z.infer<typeof BudgetSchema>

/** The default budget (every field at its §8 default). */
export const DEFAULT_BUDGET: Budget = BudgetSchema.parse({})

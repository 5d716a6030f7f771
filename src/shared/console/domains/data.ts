import { z } from 'zod'
import { defineMethod } from '../define'
import type { EventDefinition, MethodDefinition } from '../define'
import {
  AuditCategorySchema,
  AuditEventSchema,
  AuditSeveritySchema,
  AuditStatsSchema
} from '../../neurorail/audit'
import { DateTimeSchema } from '../../neurorail/datetime'
import { DecideRequestSchema, DecisionSchema, GovernorInfoSchema } from '../../neurorail/governor'
import {
  AttemptRecordSchema,
  JobRecordSchema,
  MissionRecordSchema,
  PlanRecordSchema,
  ResourceRecordSchema,
  TraceChainSchema
} from '../../neurorail/identity'
import { EntityIdSchema, EntityTypeSchema, JobIdSchema, MissionIdSchema } from '../../neurorail/ids'
import {
  LifecycleEntityTypeSchema,
  LifecycleStateSchema,
  StateTransitionEventSchema,
  TransitionActionSchema
} from '../../neurorail/lifecycle'
import { RollupSchema } from '../../neurorail/rollup'
import { EntityMetricsSchema, TelemetrySnapshotSchema } from '../../neurorail/telemetry'

/**
 * data domain of ConsoleApi: reads of the active environment's backend (trace, lifecycle, audit,
 * telemetry, governor, lists) and its two writes (transition, governor decide). Every read carries
 * `stale`: null when the backend answered, `{ageMs, fetchedAt}` when the answer is the local
 * cache's copy because the backend is away.
 */

export const StaleSchema = z
  .object({
    ageMs: z.number().nonnegative(),
    fetchedAt: z.string()
  })
  .nullable()
export type Stale = z.infer<typeof StaleSchema>

/**
 * Any identity record. Ordered most specific first: every record schema strips unknown keys and a
 * plan record would otherwise also satisfy the mission schema (both have mission_id, created_at).
 */
export const AnyRecordSchema = z.union([
  ResourceRecordSchema,
  AttemptRecordSchema,
  JobRecordSchema,
  PlanRecordSchema,
  MissionRecordSchema
])
export type AnyRecord = z.infer<typeof AnyRecordSchema>

/** An entity with its record and current lifecycle state (null: plans, resources, never transitioned). */
export const EntitySummarySchema = z.object({
  entityType: EntityTypeSchema,
  entityId: z.string(),
  record: AnyRecordSchema,
  state: LifecycleStateSchema.nullable()
})
export type EntitySummary = z.infer<typeof EntitySummarySchema>

/**
 * One node of the downward tree below an entity. `children` holds the first page per level;
 * `childCount` is how many children are known (null when the backend cannot list children, as on
 * BRAiN); `nextCursor` continues the page through `getChildren`.
 */
export interface TraceNode extends EntitySummary {
  children: TraceNode[]
  childCount: number | null
  nextCursor: string | null
}
export const TraceNodeSchema: z.ZodType<TraceNode> = EntitySummarySchema.extend({
  get children() {
    return z.array(TraceNodeSchema)
  },
  childCount: z.number().int().nonnegative().nullable(),
  nextCursor: z.string().nullable()
})

const CursorSchema = z.string().max(512, 'cursor is too long').optional()
const LimitSchema = z
  .number({ error: 'limit must be a whole number from 1 to 1000' })
  .int('limit must be a whole number from 1 to 1000')
  .min(1, 'limit must be at least 1')
  .max(1000, 'limit must be at most 1000')
  .optional()

export const TraceResultSchema = z.object({
  entityId: z.string(),
  entityType: EntityTypeSchema,
  /** Upward chain (mission → … → this entity); levels below it are null. */
  chain: TraceChainSchema,
  /** Downward tree from the chain's top-most known entity; null when nothing could be resolved. */
  root: TraceNodeSchema.nullable(),
  stale: StaleSchema
})
export type TraceResult = z.infer<typeof TraceResultSchema>

export const EntityDetailsSchema = z.object({
  entityType: EntityTypeSchema,
  record: AnyRecordSchema,
  state: LifecycleStateSchema.nullable(),
  /** Oldest first; empty when the backend cannot return it (BRAiN's history bug) and nothing is cached. */
  history: z.array(StateTransitionEventSchema),
  metrics: EntityMetricsSchema.nullable(),
  /** Newest first (the entity's mission or job audit trail, first page). */
  audit: z.array(AuditEventSchema),
  /** Sentences about parts that could not be loaded (e.g. "The backend cannot return this history"). */
  notes: z.array(z.string()),
  stale: StaleSchema
})
export type EntityDetails = z.infer<typeof EntityDetailsSchema>

/** Filters of listMissions / listJobs / listAttempts. */
export const ListEntitiesInputSchema = z.object({
  state: LifecycleStateSchema.optional(),
  jobType: z.string().min(1).max(200).optional(),
  missionId: MissionIdSchema.optional(),
  jobId: JobIdSchema.optional(),
  since: DateTimeSchema.optional(),
  until: DateTimeSchema.optional(),
  cursor: CursorSchema,
  limit: LimitSchema
})
export type ListEntitiesInput = z.infer<typeof ListEntitiesInputSchema>

/**
 * A list row: the entity plus its roll-up (sums over its descendants and wall-clock span, see
 * src/shared/neurorail/rollup.ts). Null when neither the backend nor the cache knows its subtree.
 */
export const ListedEntitySchema = EntitySummarySchema.extend({ rollup: RollupSchema.nullable() })
export type ListedEntity = z.infer<typeof ListedEntitySchema>

/**
 * Where a list's rows come from, for the line the page shows above it: the engine's list route;
 * the audit history (a backend without list routes, BRAiN: `entities` of this kind found in the
 * `eventsScanned` events read so far, `complete` once the oldest event was reached, `note` when the
 * last read failed); or the cache alone (the backend is away).
 */
export const ListOriginSchema = z.object({
  kind: z.enum(['list_route', 'audit_history', 'cache']),
  entities: z.number().int().nonnegative().nullable(),
  eventsScanned: z.number().int().nonnegative().nullable(),
  complete: z.boolean(),
  note: z.string().nullable()
})
export type ListOrigin = z.infer<typeof ListOriginSchema>

export const ListEntitiesResultSchema = z.object({
  items: z.array(ListedEntitySchema),
  nextCursor: z.string().nullable(),
  /** 'cache' when the backend has no list endpoint (BRAiN) and the items are the ones seen so far. */
  source: z.enum(['backend', 'cache']),
  origin: ListOriginSchema,
  stale: StaleSchema
})
export type ListEntitiesResult = z.infer<typeof ListEntitiesResultSchema>

export const AuditQueryInputSchema = z.object({
  missionId: MissionIdSchema.optional(),
  jobId: JobIdSchema.optional(),
  eventType: z.string().min(1).max(200).optional(),
  category: AuditCategorySchema.optional(),
  severity: AuditSeveritySchema.optional(),
  since: DateTimeSchema.optional(),
  until: DateTimeSchema.optional(),
  /** Free text over message and event type (applied locally where the backend has no text search). */
  text: z.string().max(500, 'text is too long').optional(),
  cursor: CursorSchema,
  limit: LimitSchema
})
export type AuditQueryInput = z.infer<typeof AuditQueryInputSchema>

export const AuditQueryResultSchema = z.object({
  events: z.array(AuditEventSchema),
  nextCursor: z.string().nullable(),
  total: z.number().int().nonnegative().nullable(),
  /** Sentence when the backend failed in a known way and the cache answered instead. */
  note: z.string().nullable(),
  stale: StaleSchema
})
export type AuditQueryResult = z.infer<typeof AuditQueryResultSchema>

/**
 * The newest failures only (start and success events never, whatever their level; a failure
 * without a level counts by its type), found among errors, criticals, execution failures and the
 * newest `window` events of any kind.
 */
export const RecentFailuresResultSchema = z.object({
  events: z.array(AuditEventSchema),
  window: z.number().int().nonnegative(),
  note: z.string().nullable(),
  stale: StaleSchema
})
export type RecentFailuresResult = z.infer<typeof RecentFailuresResultSchema>

/**
 * Counts per lifecycle state and per observed transition. Our engine's GET /lifecycle/stats; on a
 * backend without it, computed from the local cache (`source: 'cache'`).
 */
export const LifecycleStatsResultSchema = z.object({
  states: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
  transitions: z.array(
    z.object({
      entity_type: LifecycleEntityTypeSchema,
      from_state: z.string().nullable(),
      to_state: z.string(),
      count: z.number().int().nonnegative()
    })
  ),
  /**
   * Jobs by current state whose agent gave up on them (retries used up, or it stopped): they wait
   * in failed_mechanical or ready, yet nothing will move them. Null when the backend cannot tell
   * (BRAiN, counts from the cache): a failed_mechanical job may then be either.
   */
  givenUp: z.record(z.string(), z.number().int().nonnegative()).nullable(),
  source: z.enum(['backend', 'cache']),
  stale: StaleSchema
})
export type LifecycleStatsResult = z.infer<typeof LifecycleStatsResultSchema>

export const DecisionListResultSchema = z.object({
  items: z.array(DecisionSchema),
  nextCursor: z.string().nullable(),
  source: z.enum(['backend', 'cache']),
  stale: StaleSchema
})
export type DecisionListResult = z.infer<typeof DecisionListResultSchema>

export const TraceRollupsResultSchema = z.object({
  /** By entity id: every mission, plan and job of the trace's loaded tree (attempts too on BRAiN). */
  rollups: z.record(z.string(), RollupSchema),
  /** True when some figures could not be fetched (too many entities, or errors): sums may be low. */
  partial: z.boolean(),
  stale: StaleSchema
})
export type TraceRollupsResult = z.infer<typeof TraceRollupsResultSchema>

/** Completions of what the operator typed (the command palette), from the local cache only. */
export const SuggestResultSchema = z.object({
  /** Cached entities whose id starts with the text. */
  entities: z.array(
    z.object({
      entityId: z.string(),
      entityType: EntityTypeSchema,
      state: z.string().nullable(),
      /** A job's type, an attempt's number: what tells the rows apart. */
      hint: z.string()
    })
  ),
  /** Job types of cached jobs containing the text. */
  jobTypes: z.array(z.string())
})
export type SuggestResult = z.infer<typeof SuggestResultSchema>

export const dataMethods = {
  getTrace: defineMethod({
    input: z.object({ entityId: EntityIdSchema }),
    output: TraceResultSchema,
    description:
      'The upward trace chain of an entity plus the downward tree (where the backend can list children), each with its state.'
  }),
  getChildren: defineMethod({
    input: z.object({
      entityType: EntityTypeSchema,
      entityId: EntityIdSchema,
      cursor: CursorSchema,
      limit: LimitSchema
    }),
    output: z.object({
      items: z.array(TraceNodeSchema),
      nextCursor: z.string().nullable(),
      stale: StaleSchema
    }),
    description: 'The next page of children of one entity (nodes without grandchildren loaded).'
  }),
  getTraceRollups: defineMethod({
    input: z.object({ entityId: EntityIdSchema }),
    output: TraceRollupsResultSchema,
    description:
      'Roll-ups of the trace of an entity: per mission, plan and job the sums over its descendants (tokens, cost, attempts, retries, violations) and its wall-clock duration.'
  }),
  getEntityDetails: defineMethod({
    input: z.object({ entityId: EntityIdSchema }),
    output: EntityDetailsSchema,
    description: "One entity's record, state, transition history, metrics and audit trail."
  }),
  listMissions: defineMethod({
    input: ListEntitiesInputSchema,
    output: ListEntitiesResultSchema,
    description: 'Missions, newest first (from the cache where the backend has no list endpoint).'
  }),
  listJobs: defineMethod({
    input: ListEntitiesInputSchema,
    output: ListEntitiesResultSchema,
    description: 'Jobs, newest first (from the cache where the backend has no list endpoint).'
  }),
  listAttempts: defineMethod({
    input: ListEntitiesInputSchema,
    output: ListEntitiesResultSchema,
    description: 'Attempts, newest first (from the cache where the backend has no list endpoint).'
  }),
  suggest: defineMethod({
    input: z.object({
      text: z.string().max(200, 'text is too long'),
      limit: z.number().int().min(1).max(50).optional()
    }),
    output: SuggestResultSchema,
    description:
      'Entity ids and job types from the local cache that complete a typed text (never asks the backend).'
  }),
  queryAudit: defineMethod({
    input: AuditQueryInputSchema,
    output: AuditQueryResultSchema,
    description: 'Audit events newest first, filtered and paged.'
  }),
  listRecentFailures: defineMethod({
    input: z.object({ limit: z.number().int().min(1).max(50).optional() }),
    output: RecentFailuresResultSchema,
    description:
      'The newest failures in the audit log (and nothing else), tolerant of levels the backend leaves empty.'
  }),
  getAuditStats: defineMethod({
    input: z.object({ since: DateTimeSchema.optional(), until: DateTimeSchema.optional() }),
    output: AuditStatsSchema.extend({ stale: StaleSchema }),
    description: 'Audit event counts by category, severity and type.'
  }),
  getTelemetrySnapshot: defineMethod({
    output: TelemetrySnapshotSchema.extend({ stale: StaleSchema }),
    description:
      'System-wide telemetry snapshot (fails with not_available on BRAiN, which never writes one).'
  }),
  getEntityMetrics: defineMethod({
    input: z.object({ entityId: EntityIdSchema }),
    output: EntityMetricsSchema.extend({ stale: StaleSchema }),
    description: 'Execution metrics of one entity.'
  }),
  getLifecycleStats: defineMethod({
    output: LifecycleStatsResultSchema,
    description: 'Entity counts per state and transition counts.'
  }),
  getGovernorInfo: defineMethod({
    output: GovernorInfoSchema.extend({ stale: StaleSchema }),
    description: "The governor's name, version and active manifest."
  }),
  listDecisions: defineMethod({
    input: z.object({ cursor: CursorSchema, limit: LimitSchema }),
    output: DecisionListResultSchema,
    description:
      'Governor decisions, newest first (from the cache where the backend cannot list them).'
  }),
  governorDecide: defineMethod({
    input: DecideRequestSchema,
    output: DecisionSchema,
    description: 'Asks the governor for a mode decision (the decision is recorded by the backend).',
    write: true
  }),
  transitionEntity: defineMethod({
    input: z.object({
      entityType: LifecycleEntityTypeSchema,
      entityId: EntityIdSchema,
      transition: TransitionActionSchema,
      metadata: z.record(z.string(), z.unknown()).optional()
    }),
    output: StateTransitionEventSchema,
    description:
      'Applies a lifecycle action (create, start, complete, fail, cancel, …) to an entity.',
    write: true
  })
} satisfies Record<string, MethodDefinition>

export const dataEvents = {} satisfies Record<string, EventDefinition>

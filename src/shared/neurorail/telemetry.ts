import { z } from 'zod'
import {
  CountMapSchema,
  NullableNumberSchema,
  NullableStringSchema,
  orElse,
  orNull
} from './common'
import { DateTimeSchema } from './datetime'
import { EntityIdSchema } from './ids'

/** GET /telemetry/metrics/{entity_id}: execution metrics of one entity (most fields optional). */
export const EntityMetricsSchema = z.object({
  entity_id: z.string(),
  entity_type: z.string(),
  started_at: orNull(DateTimeSchema),
  completed_at: orNull(DateTimeSchema),
  duration_ms: NullableNumberSchema,
  llm_tokens_consumed: orElse(z.number(), () => 0),
  cpu_time_ms: NullableNumberSchema,
  memory_peak_mb: NullableNumberSchema,
  attempt_count: orElse(z.number().int(), () => 0),
  retry_count: orElse(z.number().int(), () => 0),
  success: orNull(z.boolean()),
  error_type: NullableStringSchema,
  error_category: NullableStringSchema,
  /** Extension (our engine): cost credits reported by agents. Absent on the real backend. */
  cost_credits: NullableNumberSchema.optional(),
  /** Extension (our engine): budget violations recorded for the entity and everything below it. */
  violation_count: z.number().int().nonnegative().optional(),
  /**
   * Extension (our engine): the consumption and counts are the sums over the entity and all its
   * descendants (missions, plans, jobs), so a console must not add the children again.
   */
  includes_descendants: z.boolean().optional()
})
export type EntityMetrics = z.infer<typeof EntityMetricsSchema>

/**
 * GET /telemetry/snapshot: system-wide snapshot. The real backend never writes one (always 404);
 * our engine computes it.
 */
export const TelemetrySnapshotSchema = z.object({
  timestamp: DateTimeSchema,
  active_missions: z.number().int().nonnegative(),
  active_jobs: z.number().int().nonnegative(),
  active_attempts: z.number().int().nonnegative(),
  pending_missions: z.number().int().nonnegative(),
  pending_jobs: z.number().int().nonnegative(),
  resources_by_type: CountMapSchema,
  error_rate_1h: z.number(),
  avg_latency_1h_ms: z.number(),
  p95_latency_1h_ms: z.number()
})
export type TelemetrySnapshot = z.infer<typeof TelemetrySnapshotSchema>

/** POST /telemetry/report (our engine's extension): agents report consumption for an entity. */
export const TelemetryReportRequestSchema = z.object({
  entity_id: EntityIdSchema,
  llm_tokens: z.number().int('llm_tokens must be an integer').nonnegative().optional(),
  cost_credits: z.number().nonnegative().optional(),
  cpu_time_ms: z.number().nonnegative().optional(),
  memory_peak_mb: z.number().nonnegative().optional()
})
export type TelemetryReportRequest = z.infer<typeof TelemetryReportRequestSchema>

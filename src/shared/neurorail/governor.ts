import { z } from 'zod'
import { JsonObjectSchema, NullableStringSchema, orElse, orNull } from './common'
import { DateTimeSchema } from './datetime'
import { JobIdSchema, MissionIdSchema } from './ids'

/** Governor execution modes: `rail` = governed, `direct` = ungoverned. */
export const GOVERNOR_MODES = ['direct', 'rail'] as const
export const GovernorModeSchema = z.enum(GOVERNOR_MODES)
export type GovernorMode = z.infer<typeof GovernorModeSchema>

/** POST /governor/decide body. */
export const DecideRequestSchema = z.object({
  mission_id: orNull(MissionIdSchema),
  job_id: orNull(JobIdSchema),
  job_type: z.string().min(1, 'job_type must not be empty'),
  context: JsonObjectSchema,
  shadow_evaluate: z.boolean().default(false)
})
export type DecideRequest = z.infer<typeof DecideRequestSchema>

/** A governor decision (POST /governor/decide response; rows of our decisions list). */
export const DecisionSchema = z.object({
  decision_id: z.string(),
  timestamp: DateTimeSchema,
  mode: GovernorModeSchema,
  reason: z.string(),
  mission_id: NullableStringSchema,
  job_id: NullableStringSchema,
  job_type: z.string(),
  /** e.g. ["rule_0"] */
  matched_rules: orElse(z.array(z.string()), () => []),
  /** The context the decision was made on. */
  evidence: JsonObjectSchema,
  shadow_mode: z.boolean().default(false)
})
export type Decision = z.infer<typeof DecisionSchema>

/** Active-manifest summary inside GET /governor/info. */
export const GovernorManifestInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().default(''),
  rule_count: z.number().int().nonnegative()
})
export type GovernorManifestInfo = z.infer<typeof GovernorManifestInfoSchema>

/** Shadow-manifest summary inside GET /governor/info. */
const ShadowManifestInfoSchema = z.object({ enabled: z.boolean(), version: NullableStringSchema })

/** GET /governor/info. */
export const GovernorInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  phase: z.union([z.string(), z.number()]).transform(String),
  enforcement_enabled: z.boolean(),
  active_manifest: orNull(GovernorManifestInfoSchema),
  /** Absent or null on backends without a shadow manifest: off. */
  shadow_manifest: orElse(ShadowManifestInfoSchema, () => ({ enabled: false, version: null }))
})
export type GovernorInfo = z.infer<typeof GovernorInfoSchema>

/**
 * The real backend's built-in first-match rules, as data, so our engine decides identically.
 * rule_3 is the empty catch-all.
 */
export const BUILTIN_GOVERNOR_RULES = [
  { rule: 'rule_0', when: 'job_type == "llm_call"', mode: 'rail' },
  { rule: 'rule_1', when: 'context.uses_personal_data == true', mode: 'rail' },
  { rule: 'rule_2', when: 'context.environment == "production"', mode: 'rail' },
  { rule: 'rule_3', when: 'always', mode: 'direct' }
] as const

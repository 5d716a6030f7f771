import { z } from 'zod'
import { GovernorModeSchema } from '../../../shared/neurorail'
import { BudgetOverrideSchema } from '../budget/resolve'

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])

/**
 * One condition on a context field. A bare scalar means equality; the object forms cover the
 * comparisons real policies need (membership, presence, numeric bounds). Several operators in one
 * object must all hold.
 */
export const ConditionSchema = z.union([
  Scalar,
  z
    .strictObject({
      eq: Scalar.optional(),
      ne: Scalar.optional(),
      in: z.array(Scalar).optional(),
      not_in: z.array(Scalar).optional(),
      exists: z.boolean().optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional()
    })
    .refine((o) => Object.keys(o).length > 0, 'a condition object needs at least one operator')
])
export type Condition = z.infer<typeof ConditionSchema>

/** What a rule matches on: job type(s) and context fields by dotted path (`user.region`). */
export const RuleMatchSchema = z.strictObject({
  job_type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  context: z.record(z.string().min(1), ConditionSchema).default({})
})
export type RuleMatch = z.infer<typeof RuleMatchSchema>

/** One manifest rule: match → mode (and optionally a budget for matching jobs). */
export const ManifestRuleSchema = z.strictObject({
  id: z.string().min(1, 'rule id must not be empty').max(64),
  description: z.string().default(''),
  /** Lower runs first; rules without one keep their list order after those with one. */
  priority: z.number().int().optional(),
  match: RuleMatchSchema.default({ context: {} }),
  mode: GovernorModeSchema,
  budget: BudgetOverrideSchema.optional(),
  /** Decision reason; defaults to a sentence naming the rule. */
  reason: z.string().optional()
})
export type ManifestRule = z.infer<typeof ManifestRuleSchema>

/**
 * A versioned governor manifest (our JSON form of BRAiN's manifest). Replaces the four built-in
 * rules when installed as the active manifest; a shadow manifest is evaluated beside it.
 */
export const ManifestSchema = z.strictObject({
  name: z.string().min(1).max(100),
  version: z.string().min(1).max(40),
  description: z.string().default(''),
  /** Mode when no rule matches (NR-E120 is recorded as the reason). Rail = governed, the safe side. */
  default_mode: GovernorModeSchema.default('rail'),
  rules: z.array(ManifestRuleSchema).max(500)
})
export type Manifest = z.infer<typeof ManifestSchema>

/** A rule-set conflict: what makes a manifest unusable although it parses (NR-E114). */
export interface ManifestConflict {
  kind: 'duplicate_rule_id' | 'duplicate_priority'
  value: string | number
  rules: string[]
}

/** Duplicate rule ids and duplicate priorities (BRAiN's MANIFEST_RULE_CONFLICT). */
export function findConflicts(m: Manifest): ManifestConflict[] {
  const out: ManifestConflict[] = []
  const byId = new Map<string, number>()
  for (const r of m.rules) byId.set(r.id, (byId.get(r.id) ?? 0) + 1)
  for (const [id, n] of byId)
    if (n > 1) out.push({ kind: 'duplicate_rule_id', value: id, rules: [id] })
  const byPriority = new Map<number, string[]>()
  for (const r of m.rules) {
    if (r.priority === undefined) continue
    byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r.id])
  }
  for (const [p, ids] of byPriority)
    if (ids.length > 1) out.push({ kind: 'duplicate_priority', value: p, rules: ids })
  return out
}

/**
 * The real backend's four built-in rules (API §3) as a manifest, for display beside an installed
 * one and as what "no active manifest" means.
 */
export const BUILTIN_MANIFEST: Manifest = ManifestSchema.parse({
  name: 'default_phase1',
  version: '1.0',
  description:
    'Built-in first-match rules of the BRAiN governor (used while no manifest is installed)',
  default_mode: 'direct',
  rules: [
    { id: 'rule_0', match: { job_type: 'llm_call' }, mode: 'rail' },
    { id: 'rule_1', match: { context: { uses_personal_data: true } }, mode: 'rail' },
    { id: 'rule_2', match: { context: { environment: 'production' } }, mode: 'rail' },
    { id: 'rule_3', mode: 'direct' }
  ]
})

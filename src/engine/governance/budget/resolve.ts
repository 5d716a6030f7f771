import { z } from 'zod'
import { BudgetSchema, type Budget } from '../../../shared/neurorail'

/** Keys a budget may set (BudgetSchema's fields). */
export const BUDGET_KEYS = Object.keys(BudgetSchema.shape) as Array<keyof Budget>

/**
 * A partial budget as written in a job's `metadata.budget` or a manifest rule: only the fields
 * it sets, each valid by BudgetSchema's rules, no unknown keys. Kept partial (no defaults filled
 * in) so that layers can be merged: job metadata over manifest rule over §8 defaults.
 */
export const BudgetOverrideSchema = z
  .record(z.string(), z.unknown())
  .superRefine((raw, ctx) => {
    for (const key of Object.keys(raw)) {
      if (!(BUDGET_KEYS as string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `unknown budget field ${key}` })
      }
    }
    const parsed = BudgetSchema.safeParse(raw)
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message })
    }
  })
  .transform((raw) => raw as Partial<Budget>)
export type BudgetOverride = Partial<Budget>

/** Where a job's budget came from. */
export type BudgetSource = 'metadata' | 'manifest' | 'default'

/** A job's effective budget and its provenance. */
export interface ResolvedBudget {
  budget: Budget
  source: BudgetSource
  /** The manifest rule that contributed, when any. */
  rule_id: string | null
}

/**
 * Merges the layers into one budget: `metadata.budget` (the job's own) over the matching manifest
 * rule's budget over API §8 defaults. `source` names the most specific layer that set anything.
 * Both layers must already be valid overrides (validated where they entered the system).
 */
export function resolveBudget(
  metadataBudget: BudgetOverride | null,
  manifest: { budget: BudgetOverride; rule_id: string } | null
): ResolvedBudget {
  const merged = { ...(manifest?.budget ?? {}), ...(metadataBudget ?? {}) }
  const budget = BudgetSchema.parse(merged)
  const source: BudgetSource =
    metadataBudget && Object.keys(metadataBudget).length > 0
      ? 'metadata'
      : manifest && Object.keys(manifest.budget).length > 0
        ? 'manifest'
        : 'default'
  return {
    budget,
    source,
    rule_id: manifest && Object.keys(manifest.budget).length > 0 ? manifest.rule_id : null
  }
}

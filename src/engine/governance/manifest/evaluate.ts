import type { GovernorMode } from '../../../shared/neurorail'
import type { BudgetOverride } from '../budget/resolve'
import type { Condition, Manifest, ManifestRule } from './schema'

/** What to evaluate a manifest on (a decide request or a job being created). */
export interface EvaluationInput {
  job_type: string
  context: Record<string, unknown>
}

/** The outcome of evaluating one manifest. */
export interface ManifestVerdict {
  manifest: { name: string; version: string }
  mode: GovernorMode
  /** The first matching rule's id, or null when none matched (then `default_mode` applies). */
  rule_id: string | null
  reason: string
  /** The matching rule's budget override ({} when it has none or nothing matched). */
  budget: BudgetOverride
}

/** Rules in evaluation order: by priority (lower first), unprioritised ones after, list order kept. */
export function orderedRules(m: Manifest): ManifestRule[] {
  return m.rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => {
      const pa = a.rule.priority ?? Number.POSITIVE_INFINITY
      const pb = b.rule.priority ?? Number.POSITIVE_INFINITY
      return pa === pb ? a.index - b.index : pa - pb
    })
    .map((x) => x.rule)
}

/** First-match evaluation, like BRAiN's governor. */
export function evaluateManifest(m: Manifest, input: EvaluationInput): ManifestVerdict {
  const manifest = { name: m.name, version: m.version }
  for (const rule of orderedRules(m)) {
    if (!ruleMatches(rule, input)) continue
    return {
      manifest,
      mode: rule.mode,
      rule_id: rule.id,
      reason: rule.reason ?? `Matched rule ${rule.id} of manifest ${m.name}@${m.version}`,
      budget: rule.budget ?? {}
    }
  }
  return {
    manifest,
    mode: m.default_mode,
    rule_id: null,
    reason: `NR-E120: no rule of manifest ${m.name}@${m.version} matched; default mode ${m.default_mode}`,
    budget: {}
  }
}

/** True when `rule` matches: job type (one or any of a list) and every context condition. */
export function ruleMatches(rule: ManifestRule, input: EvaluationInput): boolean {
  const jt = rule.match.job_type
  if (
    jt !== undefined &&
    !(Array.isArray(jt) ? jt.includes(input.job_type) : jt === input.job_type)
  )
    return false
  for (const [path, cond] of Object.entries(rule.match.context)) {
    if (!conditionHolds(cond, lookup(input.context, path))) return false
  }
  return true
}

const MISSING = Symbol('missing')

/** Reads a dotted path (`user.region`) from the context; absent → MISSING. */
function lookup(ctx: Record<string, unknown>, path: string): unknown {
  // A literal key with dots wins, so contexts that use dotted keys still match.
  if (Object.prototype.hasOwnProperty.call(ctx, path)) return ctx[path]
  let cur: unknown = ctx
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part))
      return MISSING
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}

function conditionHolds(cond: Condition, value: unknown): boolean {
  if (cond === null || typeof cond !== 'object') return value !== MISSING && value === cond
  const present = value !== MISSING
  if (cond.exists !== undefined && cond.exists !== present) return false
  if (cond.eq !== undefined && !(present && value === cond.eq)) return false
  if (cond.ne !== undefined && present && value === cond.ne) return false
  if (cond.in !== undefined && !(present && cond.in.includes(value as never))) return false
  if (cond.not_in !== undefined && present && cond.not_in.includes(value as never)) return false
  const num = typeof value === 'number' ? value : null
  if (cond.gt !== undefined && !(num !== null && num > cond.gt)) return false
  if (cond.gte !== undefined && !(num !== null && num >= cond.gte)) return false
  if (cond.lt !== undefined && !(num !== null && num < cond.lt)) return false
  if (cond.lte !== undefined && !(num !== null && num <= cond.lte)) return false
  return true
}

/** Where an active and a shadow verdict differ: mode, budget, or both (empty = agreement). */
export function disagreement(
  active: ManifestVerdict,
  shadow: ManifestVerdict
): Array<'mode' | 'budget'> {
  const out: Array<'mode' | 'budget'> = []
  if (active.mode !== shadow.mode) out.push('mode')
  if (canonical(active.budget) !== canonical(shadow.budget)) out.push('budget')
  return out
}

function canonical(o: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]])
  )
}

import type { DecideRequest, GovernorMode } from '../../shared/neurorail'

/** One built-in governor rule: first match wins (API §3). */
export interface GovernorRule {
  id: string
  mode: GovernorMode
  reason: string
  matches: (req: DecideRequest) => boolean
}

/**
 * The real backend's four built-in rules, in order. These are code, not data, because each is a
 * predicate; their ids and modes mirror `BUILTIN_GOVERNOR_RULES` in the shared model, which a test
 * holds them to.
 */
export const GOVERNOR_RULES: readonly GovernorRule[] = [
  {
    id: 'rule_0',
    mode: 'rail',
    reason: 'LLM calls are always governed (job_type == "llm_call")',
    matches: (r) => r.job_type === 'llm_call'
  },
  {
    id: 'rule_1',
    mode: 'rail',
    reason: 'The job uses personal data (context.uses_personal_data == true)',
    matches: (r) => r.context.uses_personal_data === true
  },
  {
    id: 'rule_2',
    mode: 'rail',
    reason: 'Production environment (context.environment == "production")',
    matches: (r) => r.context.environment === 'production'
  },
  {
    id: 'rule_3',
    mode: 'direct',
    reason: 'Default: no rule requires governance',
    matches: () => true
  }
]

/** The first rule that matches (rule_3 always does). */
export function firstMatch(req: DecideRequest): GovernorRule {
  return GOVERNOR_RULES.find((rule) => rule.matches(req)) as GovernorRule
}

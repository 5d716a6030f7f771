import { z } from 'zod'
import { isoTime } from '../../../shared/console/governance-mapper'
import type {
  JobBudgetView,
  ManifestView,
  ReflexJobView,
  ShadowDisagreementView,
  SignalView,
  ViolationView
} from '../../../shared/console/domains/governance'
import { BudgetSchema } from '../../../shared/neurorail'
import { violationTypeOfCode } from '../../../shared/neurorail/governance'

// Maps the engine's governance answers (snake_case, times as epoch seconds like BRAiN's metrics,
// or ISO strings) onto the console's views. Tolerant on purpose: a field a newer or older engine
// lacks becomes null/0, so one odd row never blanks a whole page.

const num = z.number().finite().nullish().catch(null)
const str = z.string().nullish().catch(null)
const obj = z.record(z.string(), z.unknown()).nullish().catch(null)

const count = (v: unknown): number => {
  const n = num.parse(v)
  return n === null || n === undefined || n < 0 ? 0 : Math.round(n)
}
// Ids may be numbers (row ids); they are shown as text.
const text = (v: unknown): string | null =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : (str.parse(v) ?? null)
const record = (v: unknown): Record<string, unknown> => obj.parse(v) ?? {}
const asRow = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}

/**
 * The rows of a list answer: a bare array, or the first array found under one of `keys`
 * (`{circuits: [...]}`, `{items: [...]}`), or the values of a keyed object (`{id: row}`).
 */
export function rowsOf(body: unknown, keys: readonly string[]): Record<string, unknown>[] {
  if (Array.isArray(body)) return body.map(asRow)
  const o = asRow(body)
  for (const key of [...keys, 'items']) {
    const value = o[key]
    if (Array.isArray(value)) return value.map(asRow)
    if (typeof value === 'object' && value !== null) {
      return Object.entries(value as Record<string, unknown>).map(([id, row]) => ({
        _key: id,
        ...asRow(row)
      }))
    }
  }
  return []
}

export function toReflexJobView(raw: unknown, now = Date.now()): ReflexJobView {
  const r = asRow(raw)
  const cooldownUntil = isoTime(r.cooldown_until)
  return {
    jobId: text(r.job_id) ?? text(r._key) ?? 'unknown',
    state: text(r.current_state) ?? text(r.state) ?? 'unknown',
    cooldownUntil,
    cooldownActive:
      typeof r.cooldown_active === 'boolean'
        ? r.cooldown_active
        : cooldownUntil !== null && Date.parse(cooldownUntil) > now,
    suspendCount: count(r.suspend_count),
    throttleCount: count(r.throttle_count)
  }
}

export function toViolationView(raw: unknown, index: number): ViolationView {
  const r = asRow(raw)
  const error = record(r.error)
  const code = text(r.code) ?? text(error.code) ?? 'unknown'
  const details = { ...record(error.details), ...record(r.details) }
  let type = text(r.violation_type) ?? text(r.type) ?? violationTypeOfCode(code) ?? 'unknown'
  // BRAiN reports token overruns as E103 with cost_type llm_tokens.
  if (type === 'cost' && details.cost_type === 'llm_tokens') type = 'tokens'
  const at = isoTime(r.at ?? r.timestamp ?? r.created_at)
  return {
    violationId: text(r.violation_id) ?? text(r.id) ?? `${at ?? 'violation'}#${index}`,
    violationType: type,
    code,
    jobId: text(r.job_id) ?? text(details.job_id),
    attemptId: text(r.attempt_id) ?? text(details.attempt_id),
    missionId: text(r.mission_id),
    message: text(r.message) ?? text(error.message) ?? '',
    at,
    details
  }
}

export function toSignalView(raw: unknown, index: number): SignalView {
  const r = asRow(raw)
  const at = isoTime(r.at ?? r.timestamp ?? r.created_at)
  return {
    signalId: text(r.signal_id) ?? text(r.id) ?? `${at ?? 'signal'}#${index}`,
    signalType: text(r.signal_type) ?? text(r.type) ?? text(r.event_type) ?? 'unknown',
    entityId: text(r.entity_id) ?? text(r.job_id) ?? text(r.mission_id),
    at,
    data: {
      ...record(r.data),
      ...Object.fromEntries(Object.entries(r).filter(([k]) => !['data', '_key'].includes(k)))
    }
  }
}

export function toManifestView(
  raw: unknown,
  activeVersion: string | null,
  shadowVersion: string | null,
  /** Version of the built-in rules, which govern while no manifest is active. */
  builtinVersion: string | null = null
): ManifestView {
  const r = asRow(raw)
  const version = text(r.version) ?? '?'
  if (activeVersion === null && builtinVersion !== null && version === builtinVersion)
    activeVersion = version
  const rules = Array.isArray(r.rules) ? r.rules.length : count(r.rule_count)
  return {
    name: text(r.name) ?? 'manifest',
    version,
    description: text(r.description),
    ruleCount: rules,
    active:
      typeof r.active === 'boolean' ? r.active : r.status === 'active' || version === activeVersion,
    shadow:
      typeof r.shadow === 'boolean' ? r.shadow : r.status === 'shadow' || version === shadowVersion,
    raw: r
  }
}

/**
 * One row of GET /governor/shadow/disagreements: `active`/`shadow` are the two verdicts (mode and
 * rule_id inside), or flat `active_mode`/`shadow_mode` as the stream's event carries them.
 */
export function toShadowDisagreementView(raw: unknown, index: number): ShadowDisagreementView {
  const r = asRow(raw)
  const active = record(r.active)
  const shadow = record(r.shadow)
  const at = isoTime(r.at ?? r.timestamp)
  const fields = Array.isArray(r.fields)
    ? r.fields.filter((f): f is string => typeof f === 'string')
    : []
  return {
    id: text(r.id) ?? text(r.disagreement_id) ?? `${at ?? 'disagreement'}#${index}`,
    at,
    source: text(r.source) ?? 'decide',
    jobId: text(r.job_id),
    decisionId: text(r.decision_id),
    jobType: text(r.job_type),
    fields,
    activeMode: text(active.mode) ?? text(r.active_mode),
    shadowMode: text(shadow.mode) ?? text(r.shadow_mode),
    activeRule: text(active.rule_id) ?? text(r.active_rule),
    shadowRule: text(shadow.rule_id) ?? text(r.shadow_rule)
  }
}

/** Budget usage of one job from GET /budget/jobs/{id} (usage under `usage` or at the top). */
export function toJobBudgetView(
  jobId: string,
  raw: unknown,
  jobType: string | null,
  attempts: number | null = null
): JobBudgetView {
  const r = asRow(raw)
  const usage = { ...r, ...record(r.usage) }
  const budget = BudgetSchema.safeParse(r.budget)
  return {
    jobId: text(r.job_id) ?? jobId,
    jobType: text(r.job_type) ?? jobType,
    budget: budget.success ? budget.data : null,
    llmTokens: Math.max(
      0,
      num.parse(usage.llm_tokens ?? usage.llm_tokens_consumed ?? usage.tokens) ?? 0
    ),
    costCredits: Math.max(0, num.parse(usage.cost_credits ?? usage.credits) ?? 0),
    attempts: count(usage.attempts ?? usage.attempt_count ?? attempts),
    retries: count(usage.retries ?? usage.retries_used ?? usage.retry_count ?? r.retries_used),
    activeAttempts: count(usage.active_attempts ?? usage.running_attempts),
    elapsedMs: num.parse(usage.elapsed_ms ?? usage.duration_ms) ?? null,
    violations: Array.isArray(r.violations)
      ? r.violations.length
      : count(r.violations ?? r.violation_count)
  }
}

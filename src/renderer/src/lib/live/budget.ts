import { looseStreamFact } from '../../../../shared/neurorail/events'
import { violationTypeOfCode } from '../../../../shared/neurorail/governance'
import { eventMs, keepLast, num, str, type LiveEvent } from './types'

/** Enforcement counters since the console started watching this environment. */
export interface BudgetTotals {
  timeouts: number
  gracePeriods: number
  retries: number
  retrySuccesses: number
  parallelismRejected: number
  tokens: number
  cost: number
  violations: number
}

/** One second of enforcement activity, for the charts. */
export interface BudgetPoint {
  /** Epoch ms of the second's start. */
  x: number
  timeouts: number
  retries: number
  rejections: number
  tokens: number
  cost: number
  violations: number
}

/** A budget violation (API §8: timeout E100, retries E101, parallelism E102, cost/tokens E103). */
export interface ViolationView {
  /** Stable key: the engine's violation id when the event carries one, else the event id. */
  id: string
  at: number
  kind: string
  /** NR-E code (NR-E100…E104) when known. */
  code: string | null
  message: string
  missionId: string | null
  jobId: string | null
  attemptId: string | null
  limit: number | null
  consumed: number | null
}

export interface BudgetModel {
  totals: BudgetTotals
  /** Per-second points, oldest first, at most SERIES_SECONDS. */
  series: BudgetPoint[]
  violations: ViolationView[]
}

/** One hour of per-second points; charts downsample it to the pixel width. */
export const SERIES_SECONDS = 3600
const KEEP_VIOLATIONS = 500

export function emptyBudget(): BudgetModel {
  return {
    totals: {
      timeouts: 0,
      gracePeriods: 0,
      retries: 0,
      retrySuccesses: 0,
      parallelismRejected: 0,
      tokens: 0,
      cost: 0,
      violations: 0
    },
    series: [],
    violations: []
  }
}

const ENFORCEMENT_TYPES = new Set([
  'timeout_enforced',
  'retry_attempted',
  'parallelism_rejected',
  'cost_tracked',
  'budget_violation'
])

/** A string or a finite number as text (ids may be row numbers). */
export function idText(d: Record<string, unknown>, key: string): string | null {
  const v = d[key]
  return typeof v === 'string' && v
    ? v
    : typeof v === 'number' && Number.isFinite(v)
      ? String(v)
      : null
}

/**
 * A violation from either copy the engine streams: `budget_violation` on `enforcement` or the
 * audit row of the same violation on `audit`, whose details are the same data. Both carry the
 * violation id, which is what dedupes them. Other backends put limits at the top and name the
 * kind differently (`cost_type`, `limit_type`, `budget_type`); those fields are read as well.
 */
export function violationOf(e: LiveEvent): ViolationView {
  const fact = looseStreamFact(e)
  const v = fact?.event_type === 'budget_violation' ? fact.data : {}
  // The audit row's own fields are the row's, not the violation's: read the top only off the event.
  const top = e.channel === 'audit' ? {} : e.data
  const limits = v.details ?? {}
  const code = v.code ?? null
  const kind =
    v.violation_type ??
    str(top, 'cost_type') ??
    str(top, 'limit_type') ??
    str(top, 'budget_type') ??
    violationTypeOfCode(code) ??
    'budget'
  return {
    id: v.violation_id ?? idText(top, 'violation_id') ?? e.id,
    at: eventMs(e),
    kind,
    code,
    message: v.message ?? str(top, 'reason') ?? '',
    missionId: v.mission_id ?? null,
    jobId: v.job_id ?? str(top, 'job_id'),
    attemptId: v.attempt_id ?? null,
    limit: num(top, 'limit') ?? num(limits, 'limit'),
    consumed:
      num(top, 'consumed') ??
      num(top, 'elapsed_ms') ??
      num(top, 'current') ??
      num(limits, 'consumed') ??
      num(limits, 'elapsed_ms')
  }
}

/** Folds enforcement events into totals, per-second points and the violations list. */
export function reduceBudget(model: BudgetModel, events: readonly LiveEvent[]): BudgetModel {
  const relevant = events.filter((e) => ENFORCEMENT_TYPES.has(e.event_type))
  if (relevant.length === 0) return model
  const totals = { ...model.totals }
  const series = model.series.slice()
  const violations: ViolationView[] = []
  // One violation reaches the console twice (enforcement event and its audit row): count it once.
  let seen: Set<string> | null = null
  for (const e of relevant) {
    let violation: ViolationView | null = null
    if (e.event_type === 'budget_violation') {
      violation = violationOf(e)
      seen ??= new Set(model.violations.map((v) => v.id))
      if (seen.has(violation.id)) continue
      seen.add(violation.id)
    }
    const d = e.data
    const at = eventMs(e)
    const x = Math.floor(at / 1000) * 1000
    let point = series[series.length - 1]
    if (!point || point.x < x) {
      point = { x, timeouts: 0, retries: 0, rejections: 0, tokens: 0, cost: 0, violations: 0 }
      series.push(point)
    } else if (point.x > x) {
      // Out-of-order event: find its second (rare, so a backward scan is fine).
      const found = series.findLast((p) => p.x === x)
      if (!found) continue
      point = found
    } else {
      point = { ...point }
      series[series.length - 1] = point
    }
    switch (e.event_type) {
      case 'timeout_enforced':
        totals.timeouts++
        if (d.grace_period_invoked === true) totals.gracePeriods++
        point.timeouts++
        break
      case 'retry_attempted':
        totals.retries++
        if (d.success === true) totals.retrySuccesses++
        point.retries++
        break
      case 'parallelism_rejected':
        totals.parallelismRejected++
        point.rejections++
        break
      case 'cost_tracked': {
        const tokens = num(d, 'llm_tokens') ?? 0
        const cost = num(d, 'cost') ?? num(d, 'cost_credits') ?? 0
        totals.tokens += tokens
        totals.cost += cost
        point.tokens += tokens
        point.cost += cost
        break
      }
      case 'budget_violation':
        totals.violations++
        point.violations++
        if (violation) violations.push(violation)
        break
    }
  }
  return {
    totals,
    series: series.length > SERIES_SECONDS ? series.slice(series.length - SERIES_SECONDS) : series,
    violations: violations.length
      ? keepLast(model.violations, violations, KEEP_VIOLATIONS)
      : model.violations
  }
}

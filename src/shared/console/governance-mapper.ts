import type {
  CircuitSnapshot,
  CircuitState,
  ReflexActionRecord,
  TriggerSnapshot
} from '../neurorail/governance'
import { parseDateTimeMs } from '../neurorail/datetime'
import type { CircuitView, ReflexActionView, TriggerView } from './domains/governance'

// The one mapper from governance facts to the console's views. The main side feeds it the
// engine's REST answers; the renderer feeds it the live stream's events. Both end with the same
// CircuitView / ReflexActionView, so a page merges one model, never two. Pure: no I/O, no
// validation (times are read by the tree's one datetime parser).

/** API §8 default: an open circuit goes half-open after 60 s. */
export const RECOVERY_TIMEOUT_MS = 60_000

/** A time field: epoch seconds (BRAiN metrics), epoch ms (> 1e12) or an ISO string → ISO, or null. */
export function isoTime(value: unknown): string | null {
  let ms: number | null = null
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    ms = value > 1e12 ? value : value * 1000
  } else if (typeof value === 'string' && value.length > 0) {
    ms = parseDateTimeMs(value)
  }
  // Past the Date range (±8.64e15 ms) toISOString throws: such a field reads as no time.
  const date = ms === null ? null : new Date(ms)
  return date && Number.isFinite(date.getTime()) ? date.toISOString() : null
}

/** An ISO time as epoch ms, or null. */
export function isoMs(iso: string | null | undefined): number | null {
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : t
}

/** One circuit of GET /reflex/circuits (or a reset's answer). */
export function toCircuitView(c: CircuitSnapshot): CircuitView {
  return {
    circuitId: c.circuit_id,
    state: c.state,
    failureCount: c.failure_count,
    successCount: c.success_count,
    totalCalls: c.total_calls,
    totalFailures: c.total_failures,
    totalSuccesses: c.total_successes,
    openCount: c.open_count,
    failureThreshold: c.options.failureThreshold,
    recoveryTimeoutMs: c.options.recoveryTimeoutMs,
    lastFailureAt: isoTime(c.last_failure_time),
    lastStateChangeAt: isoTime(c.last_state_change_time)
  }
}

/** What a `circuit_state_changed` event says (either copy; older engines may leave counts out). */
export interface CircuitChangeFact {
  circuit_id: string
  to_state: CircuitState
  from_state?: CircuitState | null
  failure_count?: number
  success_count?: number
}

/**
 * A circuit after a streamed change at `atMs`: the change's state and counts over what was known
 * before (`prev`); totals the stream does not carry stay as they were (0 for a new circuit).
 */
export function circuitFromChange(
  change: CircuitChangeFact,
  atMs: number,
  prev: CircuitView | null
): CircuitView {
  const at = new Date(atMs).toISOString()
  return {
    circuitId: change.circuit_id,
    state: change.to_state,
    failureCount: change.failure_count ?? prev?.failureCount ?? 0,
    successCount: change.success_count ?? prev?.successCount ?? 0,
    totalCalls: prev?.totalCalls ?? 0,
    totalFailures: prev?.totalFailures ?? 0,
    totalSuccesses: prev?.totalSuccesses ?? 0,
    openCount: (prev?.openCount ?? 0) + (change.to_state === 'open' ? 1 : 0),
    failureThreshold: prev?.failureThreshold ?? null,
    recoveryTimeoutMs: prev?.recoveryTimeoutMs ?? null,
    lastFailureAt: change.to_state === 'open' ? at : (prev?.lastFailureAt ?? null),
    lastStateChangeAt: at
  }
}

/** When an open circuit may go half-open (epoch ms); null unless open. */
export function circuitHalfOpenAt(c: CircuitView): number | null {
  if (c.state !== 'open') return null
  const since = isoMs(c.lastStateChangeAt) ?? isoMs(c.lastFailureAt)
  return since === null ? null : since + (c.recoveryTimeoutMs ?? RECOVERY_TIMEOUT_MS)
}

/** One trigger of GET /reflex/triggers. */
export function toTriggerView(t: TriggerSnapshot): TriggerView {
  return {
    triggerId: t.trigger_id,
    errorRate: Math.max(0, t.error_rate),
    errorRateThreshold: t.config.errorRateThreshold,
    windowSeconds: t.config.windowMs / 1000,
    minSamples: t.config.minSamples,
    budgetViolations: t.budget_violations,
    activationCount: t.activation_count,
    lastActivationAt: isoTime(t.last_activation_time),
    recentEventCount: t.recent_event_count
  }
}

/** What a recorded reflex action says: a GET /reflex/actions row or a `reflex_action_executed` event. */
export type ReflexActionFact = Pick<ReflexActionRecord, 'action_type'> &
  Partial<
    Pick<ReflexActionRecord, 'job_id' | 'reason' | 'success' | 'trigger_id' | 'actor' | 'details'>
  >

/** One reflex action, under the engine's action id, at an ISO time. */
export function toReflexActionView(
  a: ReflexActionFact,
  actionId: string,
  at: string | null
): ReflexActionView {
  const details: Record<string, unknown> = { ...a.details }
  if (a.trigger_id) details.trigger_id = a.trigger_id
  if (a.actor !== undefined) details.actor = a.actor
  return {
    actionId,
    actionType: a.action_type,
    jobId: a.job_id ?? null,
    // Our engine always says; a copy that does not is taken as done.
    success: a.success ?? true,
    reason: a.reason ?? '',
    at,
    details
  }
}

/** A GET /reflex/actions row. */
export function reflexActionOfRecord(a: ReflexActionRecord): ReflexActionView {
  return toReflexActionView(a, String(a.id), isoTime(a.timestamp))
}

/** Facts an action keeps in its details: which trigger, who, and why a refused one failed. */
export function reflexActionFacts(a: ReflexActionView): {
  triggerId: string | null
  actor: string | null
  error: string | null
  cooldownSeconds: number | null
} {
  const d = a.details
  const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)
  const error = d.error
  const cooldown = d.cooldown_seconds
  return {
    triggerId: text(d.trigger_id),
    actor: text(d.actor),
    error:
      text(error) ??
      (typeof error === 'object' && error !== null
        ? text((error as { message?: unknown }).message)
        : null),
    cooldownSeconds: typeof cooldown === 'number' && Number.isFinite(cooldown) ? cooldown : null
  }
}

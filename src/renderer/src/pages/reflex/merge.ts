import type {
  CircuitView,
  ReflexActionView,
  ReflexJobView,
  TriggerView
} from '../../../../shared/console/domains/governance'
import {
  circuitHalfOpenAt,
  isoMs as ms,
  reflexActionFacts
} from '../../../../shared/console/governance-mapper'
import type { HeldJob, LiveCircuit, TriggerActivation } from '../../lib/live/reflex'

/** A circuit card's data: the one circuit view, from the backend list and/or the live stream (newest wins). */
export type CircuitCard = CircuitView & {
  /** Epoch ms when an open circuit may go half-open; null unless open. */
  halfOpenAt: number | null
  changedAt: number | null
  /** The backend reported its totals (a circuit only the stream has seen has none). */
  totalsKnown: boolean
}

/** Merges backend circuits with live ones; a live change newer than the backend's wins. */
export function mergeCircuits(
  backend: readonly CircuitView[],
  live: Readonly<Record<string, LiveCircuit>>
): CircuitCard[] {
  const out = new Map<string, CircuitCard>()
  const card = (c: CircuitView, totalsKnown: boolean): CircuitCard => ({
    ...c,
    halfOpenAt: circuitHalfOpenAt(c),
    changedAt: ms(c.lastStateChangeAt),
    totalsKnown
  })
  for (const c of backend) out.set(c.circuitId, card(c, true))
  for (const l of Object.values(live)) {
    const prev = out.get(l.circuitId)
    const changedAt = ms(l.lastStateChangeAt)
    if (prev && prev.changedAt !== null && changedAt !== null && prev.changedAt >= changedAt)
      continue
    // The stream's state and counts over the backend's totals and tuning.
    const merged: CircuitView = prev
      ? {
          ...prev,
          state: l.state,
          failureCount: l.failureCount,
          successCount: l.successCount,
          lastStateChangeAt: l.lastStateChangeAt
        }
      : l
    out.set(l.circuitId, card(merged, prev?.totalsKnown ?? false))
  }
  // Open first, then half-open, then by id: what needs attention comes first.
  const rank = { open: 0, half_open: 1, closed: 2 }
  return [...out.values()].sort(
    (a, b) => rank[a.state] - rank[b.state] || a.circuitId.localeCompare(b.circuitId)
  )
}

/** A held (suspended/throttled) job for the cooldown list. */
export interface HeldCard {
  jobId: string
  state: string
  cooldownUntil: number | null
}

/** Suspended and throttled jobs from the backend and the live stream. */
export function mergeHeld(
  backend: readonly ReflexJobView[],
  live: Readonly<Record<string, HeldJob>>
): HeldCard[] {
  const out = new Map<string, HeldCard>()
  for (const j of backend)
    if (j.state === 'suspended' || j.state === 'throttled')
      out.set(j.jobId, { jobId: j.jobId, state: j.state, cooldownUntil: ms(j.cooldownUntil) })
  for (const h of Object.values(live))
    out.set(h.jobId, { jobId: h.jobId, state: h.state, cooldownUntil: h.cooldownUntil })
  return [...out.values()].sort((a, b) => a.jobId.localeCompare(b.jobId))
}

/** One trigger row: the backend's snapshot and the live activations merged (one row per trigger). */
export interface TriggerRow {
  triggerId: string
  errorRate: number | null
  activationCount: number
  lastAt: number | null
  /** Reason of the newest live activation (error_rate or budget_violations). */
  reason: string | null
}

/**
 * Triggers by id. The backend's activation count already includes activations the stream also
 * delivered, so counts merge by maximum, never by sum.
 */
export function mergeTriggers(
  backend: readonly TriggerView[],
  live: readonly TriggerActivation[]
): TriggerRow[] {
  const out = new Map<string, TriggerRow>()
  for (const t of backend)
    out.set(t.triggerId, {
      triggerId: t.triggerId,
      errorRate: t.errorRate,
      activationCount: t.activationCount,
      lastAt: ms(t.lastActivationAt),
      reason: null
    })
  const liveCount = new Map<string, number>()
  for (const a of live) liveCount.set(a.triggerId, (liveCount.get(a.triggerId) ?? 0) + 1)
  for (const a of live) {
    const prev = out.get(a.triggerId)
    const newer = !prev || prev.lastAt === null || a.at >= prev.lastAt
    out.set(a.triggerId, {
      triggerId: a.triggerId,
      errorRate: newer ? (a.errorRate ?? prev?.errorRate ?? null) : (prev?.errorRate ?? null),
      activationCount: Math.max(
        prev?.activationCount ?? 0,
        a.activationCount ?? 0,
        liveCount.get(a.triggerId) ?? 0
      ),
      lastAt: Math.max(prev?.lastAt ?? 0, a.at) || null,
      reason: newer ? a.reason : (prev?.reason ?? null)
    })
  }
  return [...out.values()].sort(
    (a, b) => (b.lastAt ?? 0) - (a.lastAt ?? 0) || a.triggerId.localeCompare(b.triggerId)
  )
}

/** A reflex action row, from the backend list or the live stream. */
export interface ActionRow {
  key: string
  at: number | null
  actionType: string
  jobId: string | null
  success: boolean
  reason: string
  triggerId: string | null
  actor: string | null
  error: string | null
}

/**
 * Backend actions plus live ones it does not list yet (one view, deduplicated by the engine's
 * action id), newest first.
 */
export function mergeActions(
  backend: readonly ReflexActionView[],
  live: readonly ReflexActionView[]
): ActionRow[] {
  const known = new Set<string>()
  const rows: ActionRow[] = []
  for (const a of [...backend, ...live]) {
    if (known.has(a.actionId)) continue
    known.add(a.actionId)
    const { triggerId, actor, error } = reflexActionFacts(a)
    rows.push({
      key: a.actionId,
      at: ms(a.at),
      actionType: a.actionType,
      jobId: a.jobId,
      success: a.success,
      reason: a.reason,
      triggerId,
      actor,
      error
    })
  }
  return rows.sort((a, b) => (b.at ?? 0) - (a.at ?? 0))
}

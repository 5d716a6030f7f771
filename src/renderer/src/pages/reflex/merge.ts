import type { CircuitView as BackendCircuit, ReflexJobView } from '../../../../shared/console/domains/runs'
import { RECOVERY_TIMEOUT_MS, type CircuitView as LiveCircuit, type HeldJob } from '../../lib/live/reflex'

/** A circuit card's data, from the backend list and/or the live stream (newest wins). */
export interface CircuitCard {
  circuitId: string
  state: 'closed' | 'open' | 'half_open'
  failureCount: number
  successCount: number
  openCount: number | null
  totalCalls: number | null
  /** Epoch ms when an open circuit may go half-open; null unless open. */
  halfOpenAt: number | null
  changedAt: number | null
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : t
}

/** Merges backend circuits with live ones; a live change newer than the backend's wins. */
export function mergeCircuits(backend: readonly BackendCircuit[], live: Readonly<Record<string, LiveCircuit>>): CircuitCard[] {
  const out = new Map<string, CircuitCard>()
  for (const c of backend) {
    const changedAt = ms(c.lastStateChangeAt)
    const since = changedAt ?? ms(c.lastFailureAt)
    out.set(c.circuitId, {
      circuitId: c.circuitId,
      state: c.state,
      failureCount: c.failureCount,
      successCount: c.successCount,
      openCount: c.openCount,
      totalCalls: c.totalCalls,
      halfOpenAt: c.state === 'open' && since !== null ? since + (c.recoveryTimeoutMs ?? RECOVERY_TIMEOUT_MS) : null,
      changedAt
    })
  }
  for (const l of Object.values(live)) {
    const prev = out.get(l.circuitId)
    if (prev && prev.changedAt !== null && prev.changedAt >= l.changedAt) continue
    out.set(l.circuitId, {
      circuitId: l.circuitId,
      state: l.state,
      failureCount: l.failureCount,
      successCount: l.successCount,
      openCount: prev?.openCount ?? null,
      totalCalls: prev?.totalCalls ?? null,
      halfOpenAt: l.halfOpenAt,
      changedAt: l.changedAt
    })
  }
  // Open first, then half-open, then by id: what needs attention comes first.
  const rank = { open: 0, half_open: 1, closed: 2 }
  return [...out.values()].sort((a, b) => rank[a.state] - rank[b.state] || a.circuitId.localeCompare(b.circuitId))
}

/** A held (suspended/throttled) job for the cooldown list. */
export interface HeldCard {
  jobId: string
  state: string
  cooldownUntil: number | null
}

/** Suspended and throttled jobs from the backend and the live stream. */
export function mergeHeld(backend: readonly ReflexJobView[], live: Readonly<Record<string, HeldJob>>): HeldCard[] {
  const out = new Map<string, HeldCard>()
  for (const j of backend)
    if (j.state === 'suspended' || j.state === 'throttled') out.set(j.jobId, { jobId: j.jobId, state: j.state, cooldownUntil: ms(j.cooldownUntil) })
  for (const h of Object.values(live)) out.set(h.jobId, { jobId: h.jobId, state: h.state, cooldownUntil: h.cooldownUntil })
  return [...out.values()].sort((a, b) => a.jobId.localeCompare(b.jobId))
}

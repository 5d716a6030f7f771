import type { ViolationView as BackendViolation } from '../../../../shared/console/domains/governance'
import type { ViolationView as LiveViolation } from '../../lib/live/budget'

/** A violation row: the backend's record, or a live one the backend list does not hold yet. */
export interface ViolationRow {
  key: string
  at: string | number | null
  kind: string
  code: string
  message: string
  missionId: string | null
  jobId: string | null
  attemptId: string | null
  live: boolean
}

function ms(at: string | number | null): number {
  if (typeof at === 'number') return at
  return at ? Date.parse(at) || 0 : 0
}

/**
 * Backend rows plus live violations, one row per violation id (the engine records a violation and
 * streams it, twice: on enforcement and as its audit row), newest first.
 */
export function mergeViolations(
  backend: readonly BackendViolation[],
  live: readonly LiveViolation[]
): ViolationRow[] {
  const rows: ViolationRow[] = backend.map((v) => ({
    key: v.violationId,
    at: v.at,
    kind: v.violationType,
    code: v.code === 'unknown' ? '' : v.code,
    message: v.message,
    missionId: v.missionId,
    jobId: v.jobId,
    attemptId: v.attemptId,
    live: false
  }))
  const known = new Set(rows.map((r) => r.key))
  for (const v of live) {
    if (known.has(v.id)) continue
    known.add(v.id)
    rows.push({
      key: v.id,
      at: v.at,
      kind: v.kind,
      code: v.code ?? '',
      message: v.message,
      missionId: v.missionId,
      jobId: v.jobId,
      attemptId: v.attemptId,
      live: true
    })
  }
  return rows.sort((a, b) => ms(b.at) - ms(a.at))
}

/**
 * Violation totals from the backend's counts plus the live rows it has not counted yet: every
 * violation counts once, whichever way it arrived.
 */
export function violationCounts(
  backend: { total: number; byType: Readonly<Record<string, number>> } | null,
  rows: readonly ViolationRow[]
): { total: number; byType: Record<string, number> } {
  // Kinds are the stream's strings: prototype-less, `constructor` or `__proto__` is one more kind.
  const byType = Object.assign(Object.create(null) as Record<string, number>, backend?.byType)
  let total = backend?.total ?? 0
  for (const r of rows) {
    if (backend && !r.live) continue
    total++
    byType[r.kind] = (byType[r.kind] ?? 0) + 1
  }
  return { total, byType }
}

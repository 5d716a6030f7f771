import type { SignalView } from '../../../../shared/console/domains/governance'
import type { LiveEvent } from '../../lib/live/types'

/** An anomaly signal as the overview lists it. */
export interface SignalRow {
  key: string
  at: number | null
  metric: string | null
  detector: string | null
  jobType: string | null
  entityId: string | null
  value: number | null
  score: number | null
  baseline: number | null
  hint: string | null
}

function n(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}
function s(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null
}
function id(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : s(v)
}

function fromData(key: string, at: number | null, d: Record<string, unknown>): SignalRow {
  return {
    key,
    at,
    metric: s(d.metric),
    detector: s(d.detector),
    jobType: s(d.job_type),
    entityId: s(d.entity_id) ?? s(d.attempt_id),
    value: n(d.value),
    score: n(d.score),
    baseline: n(d.baseline),
    hint: s(d.hint)
  }
}

/**
 * Signals from listSignals plus live `anomaly_signal` events it does not hold yet (same engine
 * signal id), newest first.
 */
export function mergeSignals(
  backend: readonly SignalView[],
  live: readonly LiveEvent[]
): SignalRow[] {
  const rows = backend.map((v) =>
    fromData(v.signalId, v.at ? Date.parse(v.at) || null : null, v.data)
  )
  const known = new Set(rows.map((r) => r.key))
  for (const e of live) {
    const key = id(e.data.signal_id) ?? e.id
    if (known.has(key)) continue
    known.add(key)
    rows.push(fromData(key, Number.isFinite(e.timestamp) ? e.timestamp * 1000 : null, e.data))
  }
  return rows.sort((a, b) => (b.at ?? 0) - (a.at ?? 0))
}

import { z } from 'zod'

/**
 * Roll-ups: per entity, the sums over itself and every descendant (mission → plans → jobs →
 * attempts → resources) of what the telemetry records, plus the subtree's wall-clock span.
 *
 * One definition for every view: the Traces lists (per mission), the trace view (every node) and
 * the CLI's `trace`. The engine's `list_rollups` extension computes the same figures in SQL for a
 * page of missions; its test holds it equal to this function.
 */
export const RollupSchema = z.object({
  /** Jobs in the subtree (a job counts itself). */
  jobs: z.number().int().nonnegative(),
  /** Attempts in the subtree (an attempt counts itself). */
  attempts: z.number().int().nonnegative(),
  /** Retries recorded by the telemetry (`retry_count`) over the subtree. */
  retries: z.number().int().nonnegative(),
  tokens: z.number().nonnegative(),
  cost: z.number().nonnegative(),
  /** Entities in the subtree whose run ended unsuccessfully (`success === false`). */
  errors: z.number().int().nonnegative(),
  /** Budget/governance violations attributed to the subtree (0 when none are known). */
  violations: z.number().int().nonnegative(),
  /** Earliest start in the subtree (ISO), null when nothing started. */
  startedAt: z.string().nullable(),
  /** The end: the root's own end, or the latest end once everything that started has ended. */
  endedAt: z.string().nullable(),
  /** Wall clock from startedAt to endedAt; null while still running or never started. */
  durationMs: z.number().nonnegative().nullable()
})
export type Rollup = z.infer<typeof RollupSchema>

/** One entity of the tree: its id, type and parent (null for a mission or an unknown parent). */
export interface RollupEntity {
  entityId: string
  entityType: 'mission' | 'plan' | 'job' | 'attempt' | 'resource'
  parentId: string | null
}

/** The telemetry fields a roll-up reads (a subset of EntityMetrics). */
export interface RollupMetrics {
  entity_id: string
  started_at?: string | null
  completed_at?: string | null
  llm_tokens_consumed?: number | null
  cost_credits?: number | null
  retry_count?: number | null
  success?: boolean | null
}

/** An empty roll-up (an entity with no descendants and no metrics). */
export function emptyRollup(): Rollup {
  return {
    jobs: 0,
    attempts: 0,
    retries: 0,
    tokens: 0,
    cost: 0,
    errors: 0,
    violations: 0,
    startedAt: null,
    endedAt: null,
    durationMs: null
  }
}

interface Acc {
  r: Rollup
  /** Something in the subtree started and has not ended. */
  open: boolean
  /** Latest end seen in the subtree. */
  lastEnd: string | null
  ownEnd: string | null
}

/**
 * Per-entity roll-ups of a set of entities. Pure; O(entities × depth) (depth ≤ 5). Metrics and
 * violations for ids not in `entities` are ignored; an entity whose parent is not in the set is a
 * root of its own subtree. Timestamps are compared as ISO strings (UTC, as DateTimeSchema outputs).
 */
export function rollUp(
  entities: readonly RollupEntity[],
  metrics: readonly RollupMetrics[],
  violations: ReadonlyMap<string, number> = new Map()
): Map<string, Rollup> {
  const parent = new Map<string, string | null>()
  const acc = new Map<string, Acc>()
  for (const e of entities) {
    parent.set(e.entityId, e.parentId)
    acc.set(e.entityId, { r: emptyRollup(), open: false, lastEnd: null, ownEnd: null })
  }
  const byId = new Map(metrics.map((m) => [m.entity_id, m]))
  for (const e of entities) {
    const m = byId.get(e.entityId)
    const own = acc.get(e.entityId)
    if (own && m?.completed_at) own.ownEnd = m.completed_at
    // Walk up adding this entity's own figures to itself and every ancestor (cycle-safe: ≤ 8 hops).
    let id: string | null = e.entityId
    for (let hops = 0; id !== null && hops < 8; hops++) {
      const a = acc.get(id)
      if (!a) break
      const r = a.r
      if (e.entityType === 'job') r.jobs++
      if (e.entityType === 'attempt') r.attempts++
      r.violations += violations.get(e.entityId) ?? 0
      if (m) {
        r.tokens += m.llm_tokens_consumed ?? 0
        r.cost += m.cost_credits ?? 0
        r.retries += m.retry_count ?? 0
        if (m.success === false) r.errors++
        if (m.started_at && (r.startedAt === null || m.started_at < r.startedAt)) r.startedAt = m.started_at
        if (m.started_at && !m.completed_at) a.open = true
        if (m.completed_at && (a.lastEnd === null || m.completed_at > a.lastEnd)) a.lastEnd = m.completed_at
      }
      id = parent.get(id) ?? null
    }
  }
  const out = new Map<string, Rollup>()
  for (const [id, a] of acc) {
    const r = a.r
    r.endedAt = a.ownEnd ?? (a.open ? null : a.lastEnd)
    r.durationMs =
      r.startedAt && r.endedAt ? Math.max(0, Date.parse(r.endedAt) - Date.parse(r.startedAt)) : null
    out.set(id, r)
  }
  return out
}

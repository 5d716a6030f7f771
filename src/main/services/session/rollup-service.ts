import { EntityMetricsSchema, type EntityType } from '../../../shared/neurorail'
import {
  rollUp,
  RollupSchema,
  type Rollup,
  type RollupEntity,
  type RollupMetrics
} from '../../../shared/neurorail/rollup'
import type { EnvironmentSession } from './environment-session'

/** Snapshot kind under which the cache keeps the last roll-up a backend computed for an entity. */
export const ROLLUP_SNAPSHOT = 'rollup'

/**
 * How many cached descendants one fallback roll-up reads at most: beyond it the figures would cost
 * more than a list row is worth, and the row shows none rather than a partial sum.
 */
const MAX_CACHED_SUBTREE = 5000

const CHILD_TYPES: Partial<Record<EntityType, EntityType[]>> = {
  mission: ['plan'],
  plan: ['job'],
  job: ['attempt'],
  attempt: ['resource']
}

/** Keeps roll-ups the backend computed, for offline lists. */
export function storeRollups(session: EnvironmentSession, rollups: ReadonlyArray<[string, Rollup]>): void {
  for (const [id, rollup] of rollups) session.cache.putSnapshot(ROLLUP_SNAPSHOT, id, rollup)
}

/**
 * The roll-up of one entity without the backend's `list_rollups`: the last one a backend computed
 * (cached), else the shared `rollUp` over the subtree and metrics the cache has seen. Null when
 * the cache knows nothing below the entity or the subtree is larger than MAX_CACHED_SUBTREE.
 */
export function cachedRollup(session: EnvironmentSession, type: EntityType, id: string): Rollup | null {
  const stored = session.cache.getSnapshot(ROLLUP_SNAPSHOT, id)
  const parsed = stored ? RollupSchema.safeParse(stored.value) : null
  if (parsed?.success) return parsed.data
  const entities: RollupEntity[] = [{ entityId: id, entityType: type, parentId: null }]
  // A breadth-first walk: the list grows while it is read.
  for (const parent of entities) {
    for (const childType of CHILD_TYPES[parent.entityType] ?? []) {
      let cursor: string | null = null
      do {
        const page = session.cache.listEntities({ entityType: childType, parentId: parent.entityId, cursor, limit: 500 })
        for (const row of page.items) entities.push({ entityId: row.entityId, entityType: childType, parentId: parent.entityId })
        if (entities.length > MAX_CACHED_SUBTREE) return null
        cursor = page.nextCursor
      } while (cursor)
    }
  }
  const metrics: RollupMetrics[] = []
  for (const e of entities) {
    const snap = session.cache.getSnapshot('metrics', e.entityId)
    const m = snap ? EntityMetricsSchema.safeParse(snap.value) : null
    if (m?.success) metrics.push(m.data)
  }
  if (entities.length === 1 && metrics.length === 0) return null
  return rollUp(entities, metrics).get(id) ?? null
}

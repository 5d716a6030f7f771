import type {
  Stale,
  TraceNode,
  TraceResult,
  TraceRollupsResult
} from '../../../shared/console/domains/data'
import { EntityMetricsSchema, type EntityType } from '../../../shared/neurorail'
import {
  rollUp,
  RollupSchema,
  type Rollup,
  type RollupEntity,
  type RollupMetrics
} from '../../../shared/neurorail/rollup'
import { cachedRead } from './cached-read'
import type { EnvironmentSession } from './environment-session'

/**
 * Roll-ups in the console: of a trace's loaded tree (getTraceRollups), of list items the backend
 * could not sum (cachedRollup), and the backend's own sums kept for offline lists. Every figure
 * comes from the shared `rollUp`.
 */

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
export function storeRollups(
  session: EnvironmentSession,
  rollups: ReadonlyArray<[string, Rollup]>
): void {
  for (const [id, rollup] of rollups) session.cache.putSnapshot(ROLLUP_SNAPSHOT, id, rollup)
}

/**
 * The roll-up of one entity without the backend's `list_rollups`: the last one a backend computed
 * (cached), else the shared `rollUp` over the subtree and metrics the cache has seen. Null when
 * the cache knows nothing below the entity or the subtree is larger than MAX_CACHED_SUBTREE.
 */
export function cachedRollup(
  session: EnvironmentSession,
  type: EntityType,
  id: string
): Rollup | null {
  const stored = session.cache.getSnapshot(ROLLUP_SNAPSHOT, id)
  const parsed = stored ? RollupSchema.safeParse(stored.value) : null
  if (parsed?.success) return parsed.data
  const entities: RollupEntity[] = [{ entityId: id, entityType: type, parentId: null }]
  // A breadth-first walk over ids only (records are not parsed: a list page walks one subtree per
  // row): the list grows while it is read, and one id past the bound says the subtree is too big.
  for (const parent of entities) {
    for (const childType of CHILD_TYPES[parent.entityType] ?? []) {
      const room = MAX_CACHED_SUBTREE + 1 - entities.length
      for (const entityId of session.cache.childIds(childType, parent.entityId, room))
        entities.push({ entityId, entityType: childType, parentId: parent.entityId })
      if (entities.length > MAX_CACHED_SUBTREE) return null
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

/** Metrics fetched for one trace roll-up at most (a bigger loaded tree gives `partial`). */
const MAX_METRICS = 400
/** Metrics requests in flight at once. */
const CONCURRENCY = 6

/**
 * Roll-ups of a trace's loaded tree: fetches the metrics of every mission, plan and job in it
 * (our engine answers those with sums over their descendants, `includes_descendants`), and of the
 * attempts too when the backend does not sum at the source (BRAiN), then sums with `rollUp`, which
 * counts each figure once in either case. Missing metrics count as zero; a tree too big to fetch
 * in full says `partial`.
 */
export async function getTraceRollups(
  session: EnvironmentSession,
  trace: TraceResult
): Promise<TraceRollupsResult> {
  const entities: RollupEntity[] = []
  const stack: Array<{ node: TraceNode; parentId: string | null }> = trace.root
    ? [{ node: trace.root, parentId: null }]
    : []
  while (stack.length) {
    const { node, parentId } = stack.pop()!
    if (node.entityType === 'resource') continue
    entities.push({ entityId: node.entityId, entityType: node.entityType, parentId })
    for (const c of node.children) stack.push({ node: c, parentId: node.entityId })
  }
  const metrics = new Map<string, RollupMetrics>()
  let fetched = 0
  let partial = false
  let stale: Stale = null
  const fetchAll = async (ids: string[]) => {
    if (ids.length > MAX_METRICS - fetched) {
      partial = true
      ids = ids.slice(0, Math.max(0, MAX_METRICS - fetched))
    }
    fetched += ids.length
    let next = 0
    const worker = async () => {
      for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
        try {
          const read = await cachedRead(session, 'metrics', id, EntityMetricsSchema, (c) =>
            c.getEntityMetrics(id)
          )
          metrics.set(id, read.value as RollupMetrics)
          if (read.stale && (!stale || read.stale.ageMs > stale.ageMs)) stale = read.stale
        } catch {
          // No metrics recorded (404) counts as zero; other failures make the sums a lower bound.
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker))
  }
  await fetchAll(entities.filter((e) => e.entityType !== 'attempt').map((e) => e.entityId))
  const rolledAtSource = entities.some(
    (e) => e.entityType !== 'attempt' && metrics.get(e.entityId)?.includes_descendants
  )
  if (!rolledAtSource)
    await fetchAll(entities.filter((e) => e.entityType === 'attempt').map((e) => e.entityId))
  const sums = rollUp(entities, metrics.values())
  const rollups: TraceRollupsResult['rollups'] = {}
  for (const e of entities)
    if (e.entityType !== 'attempt' || !rolledAtSource) rollups[e.entityId] = sums.get(e.entityId)!
  return { rollups, partial, stale }
}

import type { Stale, TraceNode, TraceResult, TraceRollupsResult } from '../../../shared/console/domains/data'
import {
  EntityMetricsSchema,
  ownFiguresOf,
  rollup,
  type EntityMetrics,
  type OwnFigures,
  type RollupEntity
} from '../../../shared/neurorail'
import { cachedRead } from './cached-read'
import type { EnvironmentSession } from './environment-session'

/** Metrics fetched for one roll-up at most (a bigger loaded tree gives `partial`). */
const MAX_METRICS = 400
/** Metrics requests in flight at once. */
const CONCURRENCY = 6

/**
 * Roll-ups of a trace's loaded tree: fetches the metrics of every mission, plan and job in it
 * (our engine answers those with sums over their descendants), and of the attempts too when the
 * backend does not roll up (BRAiN), then sums with the shared `rollup`. Missing metrics count as
 * zero; a tree too big to fetch in full says `partial`.
 */
export async function getTraceRollups(session: EnvironmentSession, trace: TraceResult): Promise<TraceRollupsResult> {
  const entities: RollupEntity[] = []
  const stack: Array<{ node: TraceNode; parentId: string | null }> = trace.root ? [{ node: trace.root, parentId: null }] : []
  while (stack.length) {
    const { node, parentId } = stack.pop()!
    if (node.entityType === 'resource') continue
    entities.push({ id: node.entityId, parentId, type: node.entityType })
    for (const c of node.children) stack.push({ node: c, parentId: node.entityId })
  }
  const figures = new Map<string, OwnFigures>()
  let partial = false
  let stale: Stale = null
  const fetchAll = async (ids: string[]) => {
    if (ids.length > MAX_METRICS - figures.size) {
      partial = true
      ids = ids.slice(0, Math.max(0, MAX_METRICS - figures.size))
    }
    let next = 0
    const worker = async () => {
      for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
        try {
          const read = await cachedRead(session, 'metrics', id, EntityMetricsSchema, (c) => c.getEntityMetrics(id))
          figures.set(id, ownFiguresOf(read.value as EntityMetrics))
          if (read.stale && (!stale || read.stale.ageMs > stale.ageMs)) stale = read.stale
        } catch {
          // No metrics recorded (404) counts as zero; other failures make the sums a lower bound.
          figures.set(id, ownFiguresOf(null))
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker))
  }
  await fetchAll(entities.filter((e) => e.type !== 'attempt').map((e) => e.id))
  const rolledAtSource = entities.some((e) => e.type !== 'attempt' && figures.get(e.id)?.includesDescendants)
  if (!rolledAtSource) await fetchAll(entities.filter((e) => e.type === 'attempt').map((e) => e.id))
  const sums = rollup(entities, figures)
  const rollups: TraceRollupsResult['rollups'] = {}
  for (const e of entities) if (e.type !== 'attempt' || !rolledAtSource) rollups[e.id] = sums.get(e.id)!
  return { rollups, partial, stale }
}

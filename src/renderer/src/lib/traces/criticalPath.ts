/**
 * The critical path of a trace: from the top entity down, at each level the child that decided
 * its parent's end (the one that ended last; one still running beats any that ended) — the chain
 * whose shortening would have finished the mission sooner. "By cost" follows instead the child
 * that consumed the most (credits, then tokens): where the money went.
 */

/** An entity as the critical path needs it. */
export interface PathEntity {
  id: string
  parentId: string | null
  /** End of its run in epoch ms; null while running (or never started: `started` false). */
  endMs: number | null
  started: boolean
  cost: number
  tokens: number
}

export type PathMode = 'time' | 'cost'

/**
 * Ids on the critical path, top first. Starts from the entity without a parent (the first such
 * when there are several); a child with nothing recorded never extends the path.
 */
export function criticalPath(entities: readonly PathEntity[], mode: PathMode): string[] {
  const children = new Map<string, PathEntity[]>()
  let top: PathEntity | undefined
  const ids = new Set(entities.map((e) => e.id))
  for (const e of entities) {
    if (e.parentId === null || !ids.has(e.parentId)) {
      top ??= e
      continue
    }
    const list = children.get(e.parentId)
    if (list) list.push(e)
    else children.set(e.parentId, [e])
  }
  const path: string[] = []
  const seen = new Set<string>()
  for (let at = top; at && !seen.has(at.id);) {
    seen.add(at.id)
    path.push(at.id)
    let best: PathEntity | undefined
    for (const c of children.get(at.id) ?? []) if (better(c, best, mode)) best = c
    at = best
  }
  return path
}

function better(c: PathEntity, best: PathEntity | undefined, mode: PathMode): boolean {
  if (mode === 'cost') {
    if (c.cost === 0 && c.tokens === 0) return false
    if (!best) return true
    return c.cost !== best.cost ? c.cost > best.cost : c.tokens > best.tokens
  }
  if (!c.started) return false
  if (!best) return true
  if (c.endMs === null) return best.endMs !== null
  return best.endMs !== null && c.endMs > best.endMs
}

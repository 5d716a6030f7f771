import type { TraceNode } from '../../../../shared/console/domains/data'
import type { RollupEntity } from '../../../../shared/neurorail/rollup'

export type { TraceNode }

/** Children of a node as loaded so far (first page from getTrace, more pages from getChildren). */
export interface LoadedChildren {
  items: TraceNode[]
  nextCursor: string | null
  /** Known total (null when the backend cannot count children). */
  total: number | null
}

/** One visible row of the tree: either an entity or the "more children" row of a parent. */
export type TreeRow =
  | {
      kind: 'node'
      node: TraceNode
      depth: number
      expandable: boolean
      expanded: boolean
      parentId: string | null
      /** Children known in all (null: unknown) and loaded so far, for the row's "(n)" label. */
      childTotal: number | null
      childLoaded: number
      moreChildren: boolean
    }
  | { kind: 'more'; parent: TraceNode; depth: number; loaded: number; total: number | null }

/** Children as loaded: what `getChildren` added, or the node's own first page. */
export function childrenOf(
  node: TraceNode,
  loaded: ReadonlyMap<string, LoadedChildren>
): LoadedChildren {
  // Every node carries its own child count (null when the backend cannot tell) and its own cursor.
  return (
    loaded.get(node.entityId) ?? {
      items: node.children,
      nextCursor: node.nextCursor,
      total: node.childCount
    }
  )
}

/**
 * Flattens the expanded part of the tree into rows for a virtualized list, depth first. A parent
 * with more children than loaded gets a trailing `more` row (which loads the next page when seen).
 * Iterative, so a 100,000-attempt job does not recurse 100,000 deep.
 */
export function flattenTree(
  root: TraceNode | null,
  expanded: ReadonlySet<string>,
  loaded: ReadonlyMap<string, LoadedChildren>
): TreeRow[] {
  if (!root) return []
  const rows: TreeRow[] = []
  type Frame = { node: TraceNode; depth: number; parentId: string | null } | { more: TreeRow }
  const stack: Frame[] = [{ node: root, depth: 0, parentId: null }]
  while (stack.length) {
    const frame = stack.pop()!
    if ('more' in frame) {
      rows.push(frame.more)
      continue
    }
    const { node, depth, parentId } = frame
    const kids = childrenOf(node, loaded)
    const hasMore =
      kids.nextCursor !== null || (kids.total !== null && kids.total > kids.items.length)
    const expandable = kids.items.length > 0 || hasMore || (kids.total ?? 0) > 0
    const isOpen = expandable && expanded.has(node.entityId)
    rows.push({
      kind: 'node',
      node,
      depth,
      expandable,
      expanded: isOpen,
      parentId,
      childTotal: kids.total,
      childLoaded: kids.items.length,
      moreChildren: hasMore
    })
    if (!isOpen) continue
    if (hasMore)
      stack.push({
        more: {
          kind: 'more',
          parent: node,
          depth: depth + 1,
          loaded: kids.items.length,
          total: kids.total
        }
      })
    for (const child of kids.items.toReversed())
      stack.push({ node: child, depth: depth + 1, parentId: node.entityId })
  }
  return rows
}

/** Every entity id in the loaded tree that has children, for "expand all" on open. */
export function expandableIds(root: TraceNode | null): string[] {
  const out: string[] = []
  const stack = root ? [root] : []
  while (stack.length) {
    const n = stack.pop()!
    if (n.children.length || (n.childCount ?? 0) > 0) out.push(n.entityId)
    for (const c of n.children) stack.push(c)
  }
  return out
}

/** The loaded tree as plain JSON (for "Export as JSON"), with pages added through getChildren. */
export function treeToJson(node: TraceNode, loaded: ReadonlyMap<string, LoadedChildren>): unknown {
  const kids = childrenOf(node, loaded)
  return {
    entityType: node.entityType,
    entityId: node.entityId,
    state: node.state,
    record: node.record,
    childCount: kids.total,
    children: kids.items.map((c) => treeToJson(c, loaded))
  }
}

/** Counts nodes in the loaded tree. */
export function countNodes(
  root: TraceNode | null,
  loaded: ReadonlyMap<string, LoadedChildren>
): number {
  let n = 0
  const stack = root ? [root] : []
  while (stack.length) {
    const node = stack.pop()!
    n++
    for (const c of childrenOf(node, loaded).items) stack.push(c)
  }
  return n
}

/**
 * The entities of a tree as `rollUp` reads them (id, type, parent), resources left out as the
 * console's trace roll-ups leave them out: they carry no figures of their own.
 */
export function rollupEntities(root: TraceNode): RollupEntity[] {
  const out: RollupEntity[] = []
  const stack: Array<{ node: TraceNode; parentId: string | null }> = [
    { node: root, parentId: null }
  ]
  while (stack.length) {
    const { node, parentId } = stack.pop()!
    if (node.entityType === 'resource') continue
    out.push({ entityId: node.entityId, entityType: node.entityType, parentId })
    for (const c of node.children) stack.push({ node: c, parentId: node.entityId })
  }
  return out
}

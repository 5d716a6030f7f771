import { useCallback, useMemo, useRef, useState } from 'react'
import type { TraceResult, TraceRollupsResult } from '../../../../shared/console/domains/data'
import { api, errorMessage } from '../../lib/transport/api'
import {
  childrenOf,
  expandableIds,
  type LoadedChildren,
  type TraceNode
} from '../../lib/traces/traceTree'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'

/** Page size when paging children of a node (the services answer at most 500). */
export const CHILD_PAGE = 500

/**
 * The trace of one entity: getTrace, then the tree's expansion state and further child pages
 * (getChildren), loaded on demand as the "more" row scrolls into view, and the roll-ups of its
 * missions, plans and jobs (getTraceRollups, loaded beside the tree so the first rows never wait
 * for sums). Other views (compare) load traces through this hook too: its answer only grows.
 */
export function useTraceTree(entityId: string) {
  const epoch = useDataEpoch()
  const trace = useAsync<TraceResult>(
    () => api().getTrace({ entityId }),
    `trace:${entityId}:${epoch}`
  )
  // Asked once the tree is in, so that summing a million attempts never delays the first rows.
  const treeIn = trace.data !== undefined
  const rollups = useAsync<TraceRollupsResult | null>(
    () => (treeIn ? api().getTraceRollups({ entityId }) : Promise.resolve(null)),
    `rollups:${entityId}:${epoch}:${treeIn}`
  )
  const root = trace.data?.root ?? null
  const [expandedState, setExpandedState] = useState<{
    root: TraceNode | null
    ids: Set<string>
  } | null>(null)
  const [loaded, setLoaded] = useState<{
    root: TraceNode | null
    map: Map<string, LoadedChildren>
  }>({ root: null, map: new Map() })
  const [pageError, setPageError] = useState<string | null>(null)
  const inFlight = useRef(new Set<string>())

  // Everything in the first answer starts expanded; the state resets when a new tree arrives.
  const defaultExpanded = useMemo(() => new Set(expandableIds(root)), [root])
  const expanded =
    expandedState && expandedState.root === root ? expandedState.ids : defaultExpanded
  const loadedMap = useMemo(
    () => (loaded.root === root ? loaded.map : new Map<string, LoadedChildren>()),
    [loaded, root]
  )

  const toggle = useCallback(
    (id: string, open?: boolean) => {
      const next = new Set(expanded)
      const want = open ?? !next.has(id)
      if (want) next.add(id)
      else next.delete(id)
      setExpandedState({ root, ids: next })
    },
    [expanded, root]
  )

  const setAllExpanded = useCallback(
    (open: boolean) =>
      setExpandedState({
        root,
        ids: open ? new Set(defaultExpanded) : new Set(root ? [root.entityId] : [])
      }),
    [defaultExpanded, root]
  )

  const loadMore = useCallback(
    (parent: TraceNode) => {
      const current = childrenOf(parent, loadedMap)
      if (current.nextCursor === null || inFlight.current.has(parent.entityId)) return
      inFlight.current.add(parent.entityId)
      const cursor = current.nextCursor
      api()
        .getChildren({
          entityType: parent.entityType,
          entityId: parent.entityId,
          cursor,
          limit: CHILD_PAGE
        })
        .then(
          (page) => {
            setLoaded((prev) => {
              const map = new Map(prev.root === root ? prev.map : [])
              const before = map.get(parent.entityId) ?? current
              // A late answer for a cursor already used (double scroll into view) adds nothing.
              if (before.nextCursor !== cursor) return prev
              const items = before.items.concat(page.items)
              // An empty page ends the paging, so a cursor that leads nowhere cannot loop; once the
              // last page is in, the count is known.
              const nextCursor = page.items.length === 0 ? null : page.nextCursor
              map.set(parent.entityId, {
                items,
                nextCursor,
                total: nextCursor === null ? items.length : before.total
              })
              return { root, map }
            })
          },
          (e: unknown) => setPageError(errorMessage(e))
        )
        .finally(() => inFlight.current.delete(parent.entityId))
    },
    [loadedMap, root]
  )

  return {
    trace,
    root,
    expanded,
    loaded: loadedMap,
    toggle,
    setAllExpanded,
    loadMore,
    pageError,
    rollups
  }
}

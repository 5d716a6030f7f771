import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { isTerminalState } from '../../../../shared/neurorail/state-machines'
import type { LifecycleEntityType } from '../../../../shared/neurorail/lifecycle'
import { StateBadge } from '../../components/StateBadge'
import { formatCount } from '../../lib/format'
import { stateLabel, toneOf } from '../../lib/tone'
import { flattenTree, type LoadedChildren, type TraceNode, type TreeRow } from '../../lib/traceTree'
import { useNow } from '../../lib/useNow'
import { fraction, retryCount, scaleOf, segmentsOf, type Segment, type TimeScale } from '../../lib/waterfall'
import { genAiLine } from '../../lib/genai'
import { useHistories, type HistoryMap } from './useHistories'

const ROW = 28

function terminalFor(type: string) {
  return (state: string) =>
    type === 'mission' || type === 'job' || type === 'attempt' ? isTerminalState(type as LifecycleEntityType, state) : true
}

function labelOf(node: TraceNode): string {
  const r = node.record as Record<string, unknown>
  if (node.entityType === 'attempt' && typeof r.attempt_number === 'number') return `attempt #${r.attempt_number}`
  if (node.entityType === 'job' && typeof r.job_type === 'string') {
    const genAi = genAiLine(r)
    return genAi ? `job · ${r.job_type} · ${genAi}` : `job · ${r.job_type}`
  }
  if (node.entityType === 'plan' && typeof r.plan_type === 'string') return `plan · ${r.plan_type}`
  if (node.entityType === 'resource' && typeof r.resource_type === 'string') return `resource · ${r.resource_type}`
  return node.entityType
}

/**
 * The trace as one virtualized list: each row is a tree node (indented, collapsible) beside its
 * waterfall bar. Tree and timeline share rows, so they can never drift apart while scrolling.
 */
export function TreeWaterfall({
  root,
  expanded,
  loaded,
  selectedId,
  onSelect,
  onToggle,
  onLoadMore,
  onRendered
}: {
  root: TraceNode
  expanded: ReadonlySet<string>
  loaded: ReadonlyMap<string, LoadedChildren>
  selectedId: string | null
  onSelect: (id: string) => void
  onToggle: (id: string, open?: boolean) => void
  onLoadMore: (parent: TraceNode) => void
  onRendered?: (rows: number) => void
}) {
  const rows = useMemo(() => flattenTree(root, expanded, loaded), [root, expanded, loaded])
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 8
  })
  const items = virtualizer.getVirtualItems()
  const visibleIds = items.map((v) => {
    const r = rows[v.index]
    return r && r.kind === 'node' ? r.node.entityId : ''
  })
  const histories = useHistories(visibleIds, root.entityId)
  const now = useNow(1000)
  const scale = useScale(root, histories, now)
  // Start on the entity the trace was opened for (a deep-linked job or attempt), not the root.
  const [cursor, setCursor] = useState(() =>
    Math.max(
      0,
      rows.findIndex((r) => r.kind === 'node' && r.node.entityId === selectedId)
    )
  )
  const initialCursor = useRef(cursor)
  useEffect(() => {
    if (initialCursor.current > 0) virtualizer.scrollToIndex(initialCursor.current, { align: 'center' })
    // Once, on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  // Stable, so memoised rows re-render only when their own data changes.
  const selectRow = useCallback(
    (index: number, id: string) => {
      setCursor(index)
      onSelect(id)
    },
    [onSelect]
  )

  // A "more" row on screen asks for the next page of its parent's children.
  const moreVisible = items.map((v) => rows[v.index]).filter((r): r is Extract<TreeRow, { kind: 'more' }> => r?.kind === 'more')
  const moreKey = moreVisible.map((r) => `${r.parent.entityId}:${r.loaded}`).join(',')
  useEffect(() => {
    for (const r of moreVisible) onLoadMore(r.parent)
    // moreKey stands for moreVisible.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [moreKey, onLoadMore])

  useEffect(() => {
    onRendered?.(rows.length)
  }, [rows.length, onRendered])

  const cursorIndex = Math.min(cursor, Math.max(rows.length - 1, 0))

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const row = rows[cursorIndex]
    let next = cursorIndex
    if (e.key === 'ArrowDown') next = Math.min(rows.length - 1, cursorIndex + 1)
    else if (e.key === 'ArrowUp') next = Math.max(0, cursorIndex - 1)
    else if (e.key === 'PageDown') next = Math.min(rows.length - 1, cursorIndex + 20)
    else if (e.key === 'PageUp') next = Math.max(0, cursorIndex - 20)
    else if (e.key === 'Home') next = 0
    else if (e.key === 'End') next = rows.length - 1
    else if (row?.kind === 'node' && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
      e.preventDefault()
      if (row.expandable) onToggle(row.node.entityId, e.key === 'ArrowRight')
      return
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      if (row?.kind === 'node') onSelect(row.node.entityId)
      else if (row?.kind === 'more') onLoadMore(row.parent)
      return
    } else return
    e.preventDefault()
    setCursor(next)
    virtualizer.scrollToIndex(next)
  }

  return (
    <div
      ref={scrollRef}
      className="vlist trace-list"
      role="tree"
      aria-label="Trace tree and timeline"
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-activedescendant={rows[cursorIndex] ? `trow-${cursorIndex}` : undefined}
      data-testid="trace-tree"
      data-rows={rows.length}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((v) => {
          const row = rows[v.index]
          if (!row) return null
          const style = { top: v.start, height: ROW }
          if (row.kind === 'more') {
            return (
              <div key={`more:${row.parent.entityId}`} id={`trow-${v.index}`} className={`vrow trow more${v.index === cursorIndex ? ' cursor' : ''}`} style={style} role="treeitem">
                <span style={{ paddingLeft: row.depth * 16 }} className="muted">
                  Loading more… {formatCount(row.loaded)}
                  {row.total !== null ? ` of ${formatCount(row.total)}` : ''} shown
                </span>
              </div>
            )
          }
          return (
            <NodeRow
              key={row.node.entityId}
              index={v.index}
              row={row}
              top={v.start}
              selected={row.node.entityId === selectedId}
              isCursor={v.index === cursorIndex}
              history={histories.get(row.node.entityId)}
              scale={scale}
              now={isOpen(histories.get(row.node.entityId)) ? now : 0}
              onSelect={selectRow}
              onToggle={onToggle}
            />
          )
        })}
      </div>
    </div>
  )
}

/** Whether an entity is still in a non-terminal state (its bar grows with the clock). */
function isOpen(history: readonly { entity_type: LifecycleEntityType; to_state: string }[] | undefined): boolean {
  const last = history?.[history.length - 1]
  return last !== undefined && !isTerminalState(last.entity_type, last.to_state)
}

function useScale(root: TraceNode, histories: HistoryMap, now: number): TimeScale {
  const created = Date.parse((root.record as { created_at?: string }).created_at ?? '')
  const points: number[] = Number.isNaN(created) ? [] : [created]
  let open = false
  for (const [, h] of histories) {
    for (const t of h) points.push(Date.parse(t.timestamp))
    const last = h[h.length - 1]
    if (last && !isTerminalState(last.entity_type, last.to_state)) open = true
  }
  if (open) points.push(now)
  const { start, end } = scaleOf(points, Number.isNaN(created) ? now : created, now)
  // Same numbers, same object: rows are memoised on it.
  return useMemo(() => ({ start, end }), [start, end])
}

const NodeRow = memo(function NodeRow({
  index,
  row,
  top,
  selected,
  isCursor,
  history,
  scale,
  now,
  onSelect,
  onToggle
}: {
  index: number
  row: Extract<TreeRow, { kind: 'node' }>
  top: number
  selected: boolean
  isCursor: boolean
  history: HistoryMap extends ReadonlyMap<string, infer V> ? V | undefined : never
  scale: TimeScale
  now: number
  onSelect: (index: number, id: string) => void
  onToggle: (id: string, open?: boolean) => void
}) {
  const { node } = row
  const segments = history ? segmentsOf(history, terminalFor(node.entityType), now) : null
  const retries = history && node.entityType === 'job' ? retryCount(history) : 0
  const created = Date.parse((node.record as { created_at?: string }).created_at ?? '')
  return (
    <div
      id={`trow-${index}`}
      className={`vrow trow${isCursor ? ' cursor' : ''}`}
      style={{ top, height: ROW }}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.expandable ? row.expanded : undefined}
      aria-selected={selected}
      data-entity-id={node.entityId}
      onClick={() => onSelect(index, node.entityId)}
    >
      <span className="tcell" style={{ paddingLeft: row.depth * 16 }}>
        {row.expandable ? (
          <button
            type="button"
            className="twisty"
            tabIndex={-1}
            aria-label={row.expanded ? `Collapse ${node.entityId}` : `Expand ${node.entityId}`}
            onClick={(e) => {
              e.stopPropagation()
              onToggle(node.entityId)
            }}
          >
            {row.expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="twisty" />
        )}
        <span className="mono">{node.entityId}</span> {node.state && <StateBadge state={node.state} />}{' '}
        {retries > 0 && <span className="badge tone-warn">{retries} {retries === 1 ? 'retry' : 'retries'}</span>}{' '}
        <span className="muted">{labelOf(node)}</span>
        {row.expandable && row.childTotal !== null && row.childTotal > 0 && (
          <span className="muted"> ({formatCount(row.childTotal)})</span>
        )}
        {row.expandable && row.childTotal === null && row.childLoaded > 0 && (
          <span className="muted" title="More may follow; they load as you scroll"> ({formatCount(row.childLoaded)}+)</span>
        )}
      </span>
      <span className="wcell" aria-hidden="true">
        {segments
          ? segments.map((s, i) => <Bar key={i} segment={s} scale={scale} />)
          : !Number.isNaN(created) && <span className="wmark" style={{ left: `${fraction(scale, created) * 100}%` }} />}
      </span>
    </div>
  )
})

function Bar({ segment, scale }: { segment: Segment; scale: TimeScale }) {
  const left = fraction(scale, segment.start) * 100
  const width = Math.max(fraction(scale, segment.end) * 100 - left, 0.4)
  return (
    <span
      className={`wbar tone-${toneOf(segment.state)}${segment.open ? ' open' : ''}`}
      style={{ left: `${left}%`, width: `${width}%` }}
      title={`${stateLabel(segment.state)}: ${new Date(segment.start).toISOString()} → ${segment.open ? 'now' : new Date(segment.end).toISOString()}`}
    />
  )
}

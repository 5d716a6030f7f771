import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { Rollup } from '../../../../shared/neurorail/rollup'
import { formatDuration, formatRollupDuration } from '../../../../shared/neurorail/rollup'
import { isTerminalState } from '../../../../shared/neurorail/state-machines'
import type { LifecycleEntityType } from '../../../../shared/neurorail/lifecycle'
import { StateBadge } from '../../components/StateBadge'
import { criticalPath, type PathEntity, type PathMode } from '../../lib/traces/criticalPath'
import { formatCount, formatCredits } from '../../lib/format/format'
import { clampWindow, panWindow, zoomWindow, type TimeWindow } from '../../lib/format/timeAxis'
import { stateLabel, toneOf } from '../../lib/format/tone'
import { matchesQuery, matchIndex, stepMatch } from '../../lib/traces/traceSearch'
import {
  childrenOf,
  flattenTree,
  type LoadedChildren,
  type TraceNode,
  type TreeRow
} from '../../lib/traces/traceTree'
import { useNow } from '../../lib/hooks/useNow'
import {
  endsBar,
  fraction,
  retryCount,
  scaleOf,
  segmentsOf,
  spanOf,
  type Segment,
  type TimeScale
} from '../../lib/traces/waterfall'
import { handleTimeKey, TimeRuler } from './TimeRuler'
import { genAiLine } from '../../lib/traces/genai'
import { useLatest } from '../../lib/hooks/useLatest'
import { useHistories, type HistoryMap } from './useHistories'

type History = HistoryMap extends ReadonlyMap<string, infer V> ? V : never

const ROW = 28
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

function terminalFor(type: string) {
  return (state: string) =>
    type === 'mission' || type === 'job' || type === 'attempt'
      ? isTerminalState(type as LifecycleEntityType, state)
      : true
}

function labelOf(node: TraceNode): string {
  const r = node.record as Record<string, unknown>
  if (node.entityType === 'attempt' && typeof r.attempt_number === 'number')
    return `attempt #${r.attempt_number}`
  if (node.entityType === 'job' && typeof r.job_type === 'string') {
    const genAi = genAiLine(r)
    return genAi ? `job · ${r.job_type} · ${genAi}` : `job · ${r.job_type}`
  }
  if (node.entityType === 'plan' && typeof r.plan_type === 'string') return `plan · ${r.plan_type}`
  if (node.entityType === 'resource' && typeof r.resource_type === 'string')
    return `resource · ${r.resource_type}`
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
  onRendered,
  rollups,
  pathMode
}: {
  root: TraceNode
  expanded: ReadonlySet<string>
  loaded: ReadonlyMap<string, LoadedChildren>
  selectedId: string | null
  onSelect: (id: string) => void
  onToggle: (id: string, open?: boolean) => void
  onLoadMore: (parent: TraceNode) => void
  onRendered?: (rows: number) => void
  /** Sums and wall-clock spans of missions, plans and jobs (null until loaded). */
  rollups: Readonly<Record<string, Rollup>> | null
  /** Which critical path to highlight: what decided the end time, or where the cost went. */
  pathMode: PathMode
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
  const full = useScale(root, histories, rollups, now)
  const [zoom, setZoom] = useState<TimeWindow | null>(null)
  const scale = useWindow(zoom ? clampWindow(zoom, full) : full)
  const onZoom = useCallback(
    (factor: number, anchor?: number) =>
      setZoom((z) => zoomWindow(z ? clampWindow(z, full) : full, full, factor, anchor)),
    [full]
  )
  const onPan = useCallback(
    (f: number) => setZoom((z) => (z ? panWindow(clampWindow(z, full), full, f) : null)),
    [full]
  )
  const onReset = useCallback(() => setZoom(null), [])
  const onCenter = useCallback(
    (f: number) =>
      setZoom((z) => {
        const w = z ? clampWindow(z, full) : full
        const span = w.end - w.start
        const at = full.start + (full.end - full.start) * f
        return clampWindow({ start: at - span / 2, end: at + span / 2 }, full)
      }),
    [full]
  )

  // The critical path: missions, plans and jobs from the roll-ups; a job's attempts from the
  // bars on screen (their histories), which is where the operator looks for them.
  const critical = useMemo(() => {
    const entities: PathEntity[] = []
    const stack: Array<{ node: TraceNode; parentId: string | null }> = [
      { node: root, parentId: null }
    ]
    while (stack.length) {
      const { node, parentId } = stack.pop()!
      if (node.entityType === 'attempt' || node.entityType === 'resource') continue
      const r = rollups?.[node.entityId]
      entities.push({
        id: node.entityId,
        parentId,
        endMs: msOf(r?.endedAt),
        started: (r?.startedAt ?? null) !== null,
        cost: r?.cost ?? 0,
        tokens: r?.tokens ?? 0
      })
      if (node.entityType !== 'job')
        for (const c of childrenOf(node, loaded).items)
          stack.push({ node: c, parentId: node.entityId })
    }
    for (const v of items) {
      const row = rows[v.index]
      if (row?.kind !== 'node' || row.node.entityType !== 'attempt') continue
      const h = histories.get(row.node.entityId)
      const span = h ? spanOf(segmentsOf(h, terminalFor('attempt'), now)) : null
      if (span)
        entities.push({
          id: row.node.entityId,
          parentId: row.parentId,
          endMs: span.open ? null : span.end,
          started: true,
          cost: 0,
          tokens: 0
        })
    }
    return new Set(criticalPath(entities, pathMode))
    // items and now change every frame and second; the visible ids and histories stand for them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [root, loaded, rollups, pathMode, histories, visibleIds.join(',')])

  // Search inside the trace: over the rows as loaded, highlighted and stepped through.
  const [query, setQuery] = useState('')
  const matches = useMemo(() => {
    const q = query.trim()
    if (!q) return []
    const out: number[] = []
    rows.forEach((r, i) => {
      if (r.kind === 'node' && matchesQuery(r.node, q, { history: histories.get(r.node.entityId) }))
        out.push(i)
    })
    return out
  }, [rows, query, histories])
  const matchSet = useMemo(() => new Set(matches), [matches])
  const searchRef = useRef<HTMLInputElement>(null)
  // Start on the entity the trace was opened for (a deep-linked job or attempt), not the root.
  const [cursor, setCursor] = useState(() =>
    Math.max(
      0,
      rows.findIndex((r) => r.kind === 'node' && r.node.entityId === selectedId)
    )
  )
  const initialCursor = useRef(cursor)
  useEffect(() => {
    if (initialCursor.current > 0)
      virtualizer.scrollToIndex(initialCursor.current, { align: 'center' })
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
  const moreVisible = items
    .map((v) => rows[v.index])
    .filter((r): r is Extract<TreeRow, { kind: 'more' }> => r?.kind === 'more')
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

  function goToMatch(back: boolean) {
    const next = stepMatch(matches, cursorIndex, back)
    if (next < 0) return
    const row = rows[next]
    setCursor(next)
    virtualizer.scrollToIndex(next, { align: 'center' })
    if (row?.kind === 'node') onSelect(row.node.entityId)
  }
  const matchPosition = matchIndex(matches, cursorIndex)

  // Ctrl/Cmd + wheel zooms about the pointer, Shift + wheel pans; a plain wheel scrolls the rows.
  const zoomRef = useLatest({ onZoom, onPan })
  useEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey && !e.shiftKey) return
      e.preventDefault()
      const bar = el.querySelector('.wcell')?.getBoundingClientRect()
      const anchor = bar && bar.width > 0 ? (e.clientX - bar.left) / bar.width : 0.5
      const delta = e.deltaY || e.deltaX
      if (e.shiftKey && !e.ctrlKey && !e.metaKey) zoomRef.current.onPan(delta > 0 ? 0.1 : -0.1)
      else zoomRef.current.onZoom(delta < 0 ? 1.25 : 0.8, anchor)
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [zoomRef])

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const row = rows[cursorIndex]
    let next = cursorIndex
    if (handleTimeKey(e, onZoom, onPan, onReset, true)) {
      e.preventDefault()
      return
    }
    if ((e.key === 'n' || e.key === 'N') && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault()
      goToMatch(e.key === 'N')
      return
    }
    if (e.key === '/' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault()
      searchRef.current?.focus()
      return
    }
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

  const spans = useMemo(() => {
    if (!rollups) return []
    const out: Array<{ start: number; end: number | null; critical: boolean }> = []
    for (const [id, r] of Object.entries(rollups)) {
      const start = msOf(r.startedAt)
      if (start !== null) out.push({ start, end: msOf(r.endedAt), critical: critical.has(id) })
    }
    return out
  }, [rollups, critical])

  return (
    <div className="trace-waterfall">
      <div className="row trace-search" role="search" aria-label="Search inside this trace">
        <input
          ref={searchRef}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search this trace: id, job type, state, error code, tool, model"
          aria-label="Search inside this trace (Enter: next match, Shift+Enter: previous)"
          data-testid="trace-search"
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault()
              goToMatch(e.shiftKey)
            } else if (e.key === 'Escape') {
              e.preventDefault()
              if (query) setQuery('')
              else scrollRef.current?.focus()
            }
          }}
        />
        <span className="muted" aria-live="polite" data-testid="trace-search-status">
          {query.trim()
            ? matches.length === 0
              ? 'No match in the loaded rows'
              : `${matchPosition >= 0 ? `${formatCount(matchPosition + 1)} of ` : ''}${formatCount(matches.length)} ${matches.length === 1 ? 'match' : 'matches'} (Enter / n next, Shift+Enter / N previous)`
            : ''}
        </span>
      </div>
      <div className="trow theader">
        <span className="tcell muted">Entity</span>
        <span className="fcell muted">Duration · tokens · cost</span>
        <TimeRuler
          full={full}
          view={scale}
          spans={spans}
          onZoom={onZoom}
          onPan={onPan}
          onCenter={onCenter}
          onReset={onReset}
        />
      </div>
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
                <div
                  key={`more:${row.parent.entityId}`}
                  id={`trow-${v.index}`}
                  className={`vrow trow more${v.index === cursorIndex ? ' cursor' : ''}`}
                  style={style}
                  role="treeitem"
                >
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
                rollup={rollups?.[row.node.entityId]}
                critical={critical.has(row.node.entityId)}
                match={
                  matchSet.has(v.index) ? (v.index === cursorIndex ? 'current' : 'match') : null
                }
                onSelect={selectRow}
                onToggle={onToggle}
              />
            )
          })}
        </div>
      </div>
    </div>
  )
}

/** Same numbers, same object: rows are memoised on the window. */
function useWindow(w: TimeWindow): TimeScale {
  const { start, end } = w
  return useMemo(() => ({ start, end }), [start, end])
}

/** Whether an entity is still in a non-terminal state (its bar grows with the clock). */
function isOpen(
  history: readonly { entity_type: LifecycleEntityType; to_state: string }[] | undefined
): boolean {
  const last = history?.[history.length - 1]
  return last !== undefined && !endsBar((s) => isTerminalState(last.entity_type, s), last.to_state)
}

/**
 * The full span of the trace: its creation, every loaded transition and every roll-up's start and
 * end (so the axis covers the whole mission before the bars below are on screen), up to now while
 * anything still runs.
 */
function useScale(
  root: TraceNode,
  histories: HistoryMap,
  rollups: Readonly<Record<string, Rollup>> | null,
  now: number
): TimeScale {
  // Both walk every loaded entity of a large trace: once per roll-up load and per batch of
  // histories, not on every clock tick and scroll frame.
  const fromRollups = useMemo(() => rollupExtent(rollups), [rollups])
  const fromHistories = useMemo(() => historyExtent(histories), [histories])
  const created = Date.parse((root.record as { created_at?: string }).created_at ?? '')
  const points: number[] = Number.isNaN(created) ? [] : [created]
  for (const e of [fromRollups, fromHistories])
    if (e.min !== null && e.max !== null) points.push(e.min, e.max)
  if (fromRollups.open || fromHistories.open) points.push(now)
  return useWindow(scaleOf(points, Number.isNaN(created) ? now : created, now))
}

/** Earliest and latest of some times, and whether anything is still running. */
interface Extent {
  min: number | null
  max: number | null
  open: boolean
}

function widen(e: Extent, t: number | null): void {
  if (t === null || !Number.isFinite(t)) return
  if (e.min === null || t < e.min) e.min = t
  if (e.max === null || t > e.max) e.max = t
}

/** The loaded transitions' times, and whether any entity is still in a non-terminal state. */
function historyExtent(histories: HistoryMap): Extent {
  const e: Extent = { min: null, max: null, open: false }
  for (const [, h] of histories) {
    for (const t of h) widen(e, Date.parse(t.timestamp))
    if (isOpen(h)) e.open = true
  }
  return e
}

/** The roll-ups' starts and ends, and whether any roll-up is still running. */
function rollupExtent(rollups: Readonly<Record<string, Rollup>> | null): Extent {
  const e: Extent = { min: null, max: null, open: false }
  for (const r of Object.values(rollups ?? {})) {
    const start = msOf(r.startedAt)
    const end = msOf(r.endedAt)
    widen(e, start)
    widen(e, end)
    if (end === null && start !== null) e.open = true
  }
  return e
}

/** A roll-up timestamp as epoch ms (null when unknown). */
function msOf(iso: string | null | undefined): number | null {
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : t
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
  rollup,
  critical,
  match,
  onSelect,
  onToggle
}: {
  index: number
  row: Extract<TreeRow, { kind: 'node' }>
  top: number
  selected: boolean
  isCursor: boolean
  history: History | undefined
  scale: TimeScale
  now: number
  rollup: Rollup | undefined
  critical: boolean
  match: 'match' | 'current' | null
  onSelect: (index: number, id: string) => void
  onToggle: (id: string, open?: boolean) => void
}) {
  const { node } = row
  const segments = history ? segmentsOf(history, terminalFor(node.entityType), now) : null
  const retries = history && node.entityType === 'job' ? retryCount(history) : 0
  const created = Date.parse((node.record as { created_at?: string }).created_at ?? '')
  const span = segments ? spanOf(segments) : null
  // Missions, plans and jobs: the roll-up's wall clock; attempts: their own bar.
  const duration = rollup
    ? formatRollupDuration(rollup)
    : span
      ? span.open
        ? 'running'
        : formatDuration(span.end - span.start)
      : ''
  const figures = rollup
    ? ` · ${COMPACT.format(rollup.tokens)} tok · ${formatCredits(rollup.cost)} cr`
    : ''
  const rowClass = `vrow trow${isCursor ? ' cursor' : ''}${critical ? ' critical' : ''}${match ? ` match${match === 'current' ? ' current' : ''}` : ''}`
  return (
    <div
      id={`trow-${index}`}
      className={rowClass}
      data-critical={critical || undefined}
      data-match={match ?? undefined}
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
        <span className="mono">{node.entityId}</span>{' '}
        {node.state && <StateBadge state={node.state} />}{' '}
        {retries > 0 && (
          <span className="badge tone-warn">
            {retries} {retries === 1 ? 'retry' : 'retries'}
          </span>
        )}{' '}
        <span className="muted">{labelOf(node)}</span>
        {row.expandable && row.childTotal !== null && row.childTotal > 0 && (
          <span className="muted"> ({formatCount(row.childTotal)})</span>
        )}
        {row.expandable && row.childTotal === null && row.childLoaded > 0 && (
          <span className="muted" title="More may follow; they load as you scroll">
            {' '}
            ({formatCount(row.childLoaded)}+)
          </span>
        )}
      </span>
      <span
        className="fcell"
        data-testid="row-duration"
        title={
          rollup
            ? `${formatCount(rollup.tokens)} tokens, ${formatCredits(rollup.cost)} credits, ${formatCount(rollup.attempts)} attempts, ${formatCount(rollup.retries)} retries, ${formatCount(rollup.violations)} violations (this and everything below it)`
            : undefined
        }
      >
        {duration}
        {figures}
        {rollup && rollup.violations > 0 && (
          <span className="badge tone-bad"> {rollup.violations} viol.</span>
        )}
        {critical && <span className="visually-hidden"> (on the critical path)</span>}
      </span>
      <span className="wcell" aria-hidden="true">
        {segments ? (
          segments.map((s, i) => <Bar key={i} segment={s} scale={scale} />)
        ) : rollup && rollup.startedAt !== null ? (
          // A plan has no states of its own: its bar is the wall clock of the work below it.
          <Bar
            segment={{
              state: 'span',
              start: msOf(rollup.startedAt) ?? scale.start,
              end: msOf(rollup.endedAt) ?? scale.end,
              open: rollup.endedAt === null
            }}
            scale={scale}
          />
        ) : (
          !Number.isNaN(created) &&
          created >= scale.start &&
          created <= scale.end && (
            <span className="wmark" style={{ left: `${fraction(scale, created) * 100}%` }} />
          )
        )}
      </span>
    </div>
  )
})

function Bar({ segment, scale }: { segment: Segment; scale: TimeScale }) {
  // Outside the zoomed window: nothing to draw (clamping would pile it up at an edge).
  if (segment.end < scale.start || segment.start > scale.end) return null
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

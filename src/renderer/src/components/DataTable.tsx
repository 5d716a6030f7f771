import { useEffect, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react'
import { useEndlessVirtualizer } from '../lib/hooks/usePaged'

/** One column: its header, width (px; the last column takes the rest) and how a cell renders. */
export interface Column<T> {
  id: string
  header: string
  width: number
  align?: 'left' | 'right'
  /** Takes the row's spare width (default: the last column does). */
  grow?: boolean
  /** Set on sortable columns: the key handed to `onSort` (and compared with `sort.key`). */
  sortKey?: string
  cell: (row: T) => ReactNode
}

export interface DataTableProps<T> {
  /** Accessible name of the table. */
  label: string
  rows: readonly T[]
  rowKey: (row: T) => string
  columns: readonly Column<T>[]
  sort?: { key: string | null; dir: 'asc' | 'desc' }
  onSort?: (key: string) => void
  /** Enter (or a double click) on a row. */
  onOpen?: (row: T) => void
  /** Esc with no row selected (e.g. clear the filters). */
  onEscape?: () => void
  /** The last rows came into view: load the next page. */
  onNearEnd?: () => void
  rowHeight?: number
  /** CSS height of the scrolling body (the table virtualizes whatever it holds). */
  height?: string
  /** J/K anywhere on the page (outside text fields and dialogs) move the selection. */
  pageKeys?: boolean
  testId?: string
  rowClassName?: (row: T) => string | undefined
  /** Extra `data-*` attributes of a row (ids tests and tools find rows by). */
  rowData?: (row: T) => Record<`data-${string}`, string>
  /** A single click opens the row (lists whose rows are links, like the audit log). */
  openOnClick?: boolean
  /** Shown instead of the table while there are no rows: what will be listed here. */
  empty?: ReactNode
}

const HEADER = 32

/**
 * The console's one table: column headers, sorting from the headers (click, or Enter/Space on the
 * header's button; `aria-sort` says which), a selected row moved with J/K, the arrows, Page Up/Down
 * and Home/End, Enter to open, Esc to clear, and virtualized rows so a list of any length costs
 * one screen of DOM.
 * It is an ARIA grid whose focus stays on the grid (`aria-activedescendant`), so live data
 * re-rendering the rows never steals or loses focus.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { rows, columns, rowKey, rowHeight = 30, height = '60vh', testId } = props
  const [active, setActive] = useState<string | null>(null)
  const activeIndex = active === null ? -1 : rows.findIndex((r) => rowKey(r) === active)
  const activeRow = activeIndex < 0 ? undefined : rows[activeIndex]
  const {
    scrollRef,
    virtualizer,
    rows: visible
  } = useEndlessVirtualizer(rows.length, props.onNearEnd, rowHeight, 20, HEADER)
  const gridId = `grid-${testId ?? props.label.replace(/\W+/g, '-')}`
  // Cells plus the 8 px gaps between them and the row's padding.
  const minWidth = columns.reduce((sum, c) => sum + c.width, 0) + 8 * columns.length + 8
  // A short list takes only the room its rows need; a long one scrolls inside `height`.
  const bodyHeight = `min(${height}, ${rows.length * rowHeight + HEADER + 2}px)`

  function move(delta: number) {
    if (rows.length === 0) return
    const next =
      activeIndex < 0
        ? delta > 0
          ? 0
          : rows.length - 1
        : Math.max(0, Math.min(rows.length - 1, activeIndex + delta))
    const row = rows[next]
    if (row === undefined) return
    setActive(rowKey(row))
    virtualizer.scrollToIndex(next, { align: 'auto' })
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (
      e.ctrlKey ||
      e.metaKey ||
      e.altKey ||
      (e.target as HTMLElement).closest('button, a, input, select')
    )
      return
    const key = e.key
    if (key === 'j' || key === 'J' || key === 'ArrowDown') move(1)
    else if (key === 'k' || key === 'K' || key === 'ArrowUp') move(-1)
    else if (key === 'PageDown') move(20)
    else if (key === 'PageUp') move(-20)
    else if (key === 'Home') move(-rows.length)
    else if (key === 'End') move(rows.length)
    else if (key === 'Enter' && activeRow !== undefined) props.onOpen?.(activeRow)
    else if (key === 'Escape') {
      if (activeIndex >= 0) setActive(null)
      else props.onEscape?.()
    } else return
    e.preventDefault()
  }

  // J/K from anywhere on the page: move the selection and bring focus to the grid.
  const { pageKeys } = props
  useEffect(() => {
    if (!pageKeys) return
    function onKey(e: globalThis.KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return
      if (e.key !== 'j' && e.key !== 'k' && e.key !== 'J' && e.key !== 'K') return
      const target = e.target as HTMLElement | null
      if (
        target?.closest(
          'input, textarea, select, [contenteditable="true"], [role="dialog"], [role="grid"]'
        )
      )
        return
      const grid = document.getElementById(gridId)
      if (!grid) return
      e.preventDefault()
      grid.focus()
      grid.dispatchEvent(new globalThis.KeyboardEvent('keydown', { key: e.key, bubbles: true }))
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [pageKeys, gridId])

  if (rows.length === 0 && props.empty !== undefined) return <p className="muted">{props.empty}</p>

  const grows = columns.some((c) => c.grow)
  const cellStyle = (c: Column<T>, last: boolean): CSSProperties => ({
    width: c.width,
    flex: (grows ? c.grow : last) ? '1 0 auto' : 'none',
    textAlign: c.align ?? 'left',
    justifyContent: c.align === 'right' ? 'flex-end' : undefined
  })

  return (
    <div
      id={gridId}
      role="grid"
      aria-label={props.label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-activedescendant={activeIndex >= 0 ? `${gridId}-r${activeIndex}` : undefined}
      tabIndex={0}
      className="dtable"
      onKeyDown={onKeyDown}
      data-testid={testId}
      data-count={rows.length}
    >
      <div ref={scrollRef} className="dtable-scroll" style={{ height: bodyHeight }}>
        <div role="rowgroup" className="dtable-head" style={{ minWidth }}>
          <div role="row" aria-rowindex={1} className="dtable-row" style={{ height: HEADER }}>
            {columns.map((c, i) => {
              const sorted = c.sortKey !== undefined && props.sort?.key === c.sortKey
              const ariaSort =
                c.sortKey === undefined
                  ? undefined
                  : sorted
                    ? props.sort?.dir === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : 'none'
              return (
                <div
                  key={c.id}
                  role="columnheader"
                  aria-sort={ariaSort}
                  className="dtable-cell"
                  style={cellStyle(c, i === columns.length - 1)}
                >
                  {c.sortKey !== undefined && props.onSort ? (
                    <button
                      type="button"
                      className="dtable-sort"
                      onClick={() => props.onSort?.(c.sortKey as string)}
                    >
                      {c.header}
                      <span aria-hidden="true" className="dtable-arrow">
                        {sorted ? (props.sort?.dir === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </div>
              )
            })}
          </div>
        </div>
        <div
          role="rowgroup"
          style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth }}
        >
          {visible.map((v) => {
            const row = rows[v.index]
            // The virtualizer counts rows.length, but a render may race a shrinking list.
            if (row === undefined) return null
            const key = rowKey(row)
            return (
              <div
                key={key}
                id={`${gridId}-r${v.index}`}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={v.index === activeIndex}
                className={`dtable-row vrow ${props.rowClassName?.(row) ?? ''}`}
                style={{ top: v.start - HEADER, height: rowHeight }}
                onClick={() => {
                  setActive(key)
                  if (props.openOnClick) props.onOpen?.(row)
                }}
                onDoubleClick={() => props.onOpen?.(row)}
                {...props.rowData?.(row)}
              >
                {columns.map((c, i) => (
                  <div
                    key={c.id}
                    role="gridcell"
                    className="dtable-cell"
                    style={cellStyle(c, i === columns.length - 1)}
                  >
                    {c.cell(row)}
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

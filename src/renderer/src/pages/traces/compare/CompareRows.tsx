import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type {
  AlignedRow,
  Alignment,
  CompareEntry
} from '../../../../../shared/neurorail/trace-align'
import { StateBadge } from '../../../components/StateBadge'
import { formatCredits, formatDuration, formatNumber } from '../../../lib/format/format'
import { useEndlessVirtualizer } from '../../../lib/hooks/usePaged'
import { traceHref } from '../../../lib/nav/router'

const ROW = 32
const HEADER = 32

const STATUS_TEXT: Record<AlignedRow['status'], string> = {
  same: 'same',
  changed: 'differs',
  left_only: 'only left',
  right_only: 'only right'
}

/** A difference with its sign ("+1.2 s", "−300", "±0"; "–" when unknown). */
export function signed(value: number | null, format: (n: number) => string): string {
  if (value === null) return '–'
  if (value === 0) return '±0'
  return `${value > 0 ? '+' : '−'}${format(Math.abs(value))}`
}

function Side({ entry }: { entry: CompareEntry | null }) {
  if (!entry) return <span className="muted">did not run</span>
  return (
    <span className="compare-side">
      <a className="mono" href={traceHref(entry.id)}>
        {entry.id}
      </a>{' '}
      <StateBadge state={entry.state} label={entry.state ? undefined : '–'} />
      {entry.kind === 'job' && <span className="muted"> {entry.attempts} att.</span>}
    </span>
  )
}

/**
 * The aligned rows of a comparison as a table, virtualized as the trace tree is (a row per plan
 * and job of two large missions costs one screen of DOM). Focus moves between rows (a roving
 * tab stop); the focused row stays rendered wherever the table is scrolled.
 */
export function CompareRows({
  alignment,
  leftId,
  rightId,
  onClose
}: {
  alignment: Alignment
  leftId: string
  rightId: string
  onClose: () => void
}) {
  const { rows, firstDivergence } = alignment
  // Opens on the first divergence (or the first row), focused, so the keyboard starts there.
  const [cursor, setCursor] = useState<{ rows: readonly AlignedRow[]; index: number } | null>(null)
  const active = cursor?.rows === rows ? cursor.index : (firstDivergence ?? 0)
  const {
    scrollRef,
    virtualizer,
    rows: visible
  } = useEndlessVirtualizer(rows.length, undefined, ROW, 0, HEADER, active)
  const rowEls = useRef(new Map<number, HTMLTableRowElement>())
  // A row to focus once it is rendered (a move scrolls it into view first).
  const focusWanted = useRef<number | null>(null)

  const move = (index: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, index))
    setCursor({ rows, index: clamped })
    focusWanted.current = clamped
    virtualizer.scrollToIndex(clamped)
  }
  useEffect(() => {
    focusWanted.current = firstDivergence ?? 0
    virtualizer.scrollToIndex(firstDivergence ?? 0)
  }, [firstDivergence, virtualizer])
  useEffect(() => {
    const wanted = focusWanted.current
    const el = wanted === null ? undefined : rowEls.current.get(wanted)
    if (!el) return
    focusWanted.current = null
    el.focus()
  })

  const jump = (from: number, step: 1 | -1) => {
    for (let i = from + step; i >= 0 && i < rows.length; i += step) {
      if (rows[i]!.status !== 'same') return move(i)
    }
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + 10),
      PageUp: () => move(active - 10),
      Home: () => move(0),
      End: () => move(rows.length - 1),
      n: () => jump(active, 1),
      p: () => jump(active, -1),
      Escape: onClose,
      Enter: () => {
        const id = rows[active]?.left?.id ?? rows[active]?.right?.id
        if (id) window.location.hash = traceHref(id)
      }
    }
    // Enter on a link inside a row is that link's: it opens its own side's trace.
    if (e.key === 'Enter' && (e.target as HTMLElement).closest('a, button')) return
    const run = keys[e.key]
    if (run) {
      e.preventDefault()
      run()
    }
  }

  return (
    <>
      <div className="row">
        <p className="muted" style={{ fontSize: 12, flex: 1 }}>
          Up/Down move, N and P jump to the next and previous divergence, Enter opens the row's
          trace, Escape closes.
        </p>
        <button
          type="button"
          onClick={() => firstDivergence !== null && move(firstDivergence)}
          disabled={firstDivergence === null}
        >
          First divergence
        </button>
      </div>
      <div
        ref={scrollRef}
        className="vlist compare-scroll"
        style={{ height: `min(60vh, ${rows.length * ROW + HEADER + 2}px)` }}
      >
        <table
          className="compare-table"
          aria-label="Plans and jobs of both missions, aligned"
          aria-rowcount={rows.length + 1}
          onKeyDown={onKeyDown}
        >
          <thead>
            <tr className="compare-grid" style={{ height: HEADER }}>
              <th scope="col">#</th>
              <th scope="col">Type</th>
              <th scope="col">{leftId}</th>
              <th scope="col">{rightId}</th>
              <th scope="col">Duration Δ</th>
              <th scope="col">Tokens Δ</th>
              <th scope="col">Cost Δ</th>
              <th scope="col">Difference</th>
            </tr>
          </thead>
          <tbody style={{ height: virtualizer.getTotalSize() }}>
            {visible.map((v) => {
              const index = v.index
              const row = rows[index]
              if (!row) return null
              const first = index === firstDivergence
              const entry = row.left ?? row.right!
              return (
                <tr
                  key={`${index}:${row.key}`}
                  ref={(el) => {
                    if (!el) return
                    rowEls.current.set(index, el)
                    return () => {
                      rowEls.current.delete(index)
                    }
                  }}
                  aria-rowindex={index + 2}
                  tabIndex={index === active ? 0 : -1}
                  onFocus={() => setCursor({ rows, index })}
                  className={`vrow compare-grid compare-row compare-${row.status}${first ? ' compare-first' : ''}`}
                  style={{ top: v.start - HEADER, height: ROW }}
                  data-status={row.status}
                  data-first-divergence={first ? 'true' : undefined}
                  aria-current={first ? 'true' : undefined}
                >
                  <td>{index + 1}</td>
                  <td>
                    <span className="muted">{entry.kind}</span> {entry.type}
                  </td>
                  <td>
                    <Side entry={row.left} />
                  </td>
                  <td>
                    <Side entry={row.right} />
                  </td>
                  <td>{signed(row.durationDeltaMs, formatDuration)}</td>
                  <td>{signed(row.tokensDelta, formatNumber)}</td>
                  <td>{signed(row.costDelta, formatCredits)}</td>
                  <td>
                    {first && <strong className="badge tone-warn">First divergence</strong>}{' '}
                    {row.status === 'changed'
                      ? `differs: ${row.differences.join(', ')}`
                      : STATUS_TEXT[row.status]}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </>
  )
}

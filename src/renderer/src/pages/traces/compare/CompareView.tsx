import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { TraceNode } from '../../../../../shared/console/domains/data'
import {
  alignTraces,
  type AlignedRow,
  type CompareEntry
} from '../../../../../shared/neurorail/trace-align'
import { ErrorNotice, Loading } from '../../../components/Notices'
import { StateBadge } from '../../../components/StateBadge'
import { errorMessage } from '../../../lib/transport/api'
import { formatDuration, formatNumber } from '../../../lib/format/format'
import { traceHref } from '../../../lib/nav/router'
import { liveSide, loadSide, type CompareSide, type CompareSource } from './compareSides'

const STATUS_TEXT: Record<AlignedRow['status'], string> = {
  same: 'same',
  changed: 'differs',
  left_only: 'only left',
  right_only: 'only right'
}

function signed(value: number | null, format: (n: number) => string): string {
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
 * Two missions side by side, aligned by plan and job type in creation order (alignTraces): what
 * ran in one and not the other, state and attempt differences, duration, token and cost deltas,
 * and the first divergence highlighted. Keyboard: Up/Down move between rows, N/P jump to the
 * next/previous divergence, Home/End, Enter opens the row's trace, Escape closes.
 */
export function CompareView({
  root,
  source,
  onClose
}: {
  root: TraceNode
  source: CompareSource
  onClose: () => void
}) {
  const [sides, setSides] = useState<{ left: CompareSide; right: CompareSide } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [cursor, setCursor] = useState<{ rows: unknown; index: number } | null>(null)
  const rowRefs = useRef<Array<HTMLTableRowElement | null>>([])

  useEffect(() => {
    let live = true
    Promise.all([liveSide(root), loadSide(source)]).then(
      ([left, right]) => live && setSides({ left, right }),
      (e: unknown) => live && setError(errorMessage(e))
    )
    return () => {
      live = false
    }
  }, [root, source])

  const alignment = useMemo(
    () => (sides ? alignTraces(sides.left.entries, sides.right.entries) : null),
    [sides]
  )

  // Opens on the first divergence (or the first row), focused, so the keyboard starts there.
  const active =
    alignment && cursor?.rows === alignment.rows ? cursor.index : (alignment?.firstDivergence ?? 0)
  const setActive = (index: number) => setCursor({ rows: alignment?.rows, index })
  useEffect(() => {
    if (alignment) rowRefs.current[alignment.firstDivergence ?? 0]?.focus()
  }, [alignment])

  if (error) return <ErrorNotice message={`The comparison could not be loaded: ${error}`} />
  if (!sides || !alignment) return <Loading what="both traces for the comparison" />
  const { left, right } = sides
  const rows = alignment.rows

  const move = (index: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, index))
    setActive(clamped)
    rowRefs.current[clamped]?.focus()
  }
  const jump = (from: number, step: 1 | -1) => {
    for (let i = from + step; i >= 0 && i < rows.length; i += step) {
      if (rows[i]!.status !== 'same') return move(i)
    }
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
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
    const run = keys[e.key]
    if (run) {
      e.preventDefault()
      run()
    }
  }

  const totals = alignment.totals
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a)
  const c = alignment.counts
  return (
    <section className="compare card" aria-labelledby="compare-title" data-testid="compare-view">
      <div className="row">
        <h2 id="compare-title">
          Compare <span className="mono">{left.label}</span> with{' '}
          <span className="mono">{right.label}</span>
        </h2>
        <span style={{ flex: 1 }} />
        <button
          type="button"
          onClick={() => alignment.firstDivergence !== null && move(alignment.firstDivergence)}
          disabled={alignment.firstDivergence === null}
        >
          First divergence
        </button>
        <button type="button" onClick={onClose} data-testid="compare-close">
          Close compare
        </button>
      </div>
      <p data-testid="compare-summary" role="status">
        {alignment.firstDivergence === null
          ? 'The two missions ran the same plans and jobs with the same outcomes.'
          : `First divergence at row ${alignment.firstDivergence + 1}. `}
        {c.same} same, {c.changed} differing, {c.left_only} only in {left.missionId}, {c.right_only}{' '}
        only in {right.missionId}
        {alignment.approximate && ' (large traces: rows paired by occurrence)'}.
      </p>
      <dl className="compare-totals">
        <div>
          <dt>Duration</dt>
          <dd>
            {formatDuration(left.mission.durationMs)} → {formatDuration(right.mission.durationMs)} (
            {signed(delta(left.mission.durationMs, right.mission.durationMs), formatDuration)})
          </dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>
            {formatNumber(totals.left.tokens)} → {formatNumber(totals.right.tokens)} (
            {signed(delta(totals.left.tokens, totals.right.tokens), formatNumber)})
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>
            {formatNumber(totals.left.cost)} → {formatNumber(totals.right.cost)} (
            {signed(delta(totals.left.cost, totals.right.cost), formatNumber)})
          </dd>
        </div>
      </dl>
      <p className="muted" style={{ fontSize: 12 }}>
        Up/Down move, N and P jump to the next and previous divergence, Enter opens the row's trace,
        Escape closes.
      </p>
      <table
        className="compare-table"
        aria-label="Plans and jobs of both missions, aligned"
        onKeyDown={onKeyDown}
      >
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Type</th>
            <th scope="col">{left.missionId}</th>
            <th scope="col">{right.missionId}</th>
            <th scope="col">Duration Δ</th>
            <th scope="col">Tokens Δ</th>
            <th scope="col">Cost Δ</th>
            <th scope="col">Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const first = index === alignment.firstDivergence
            const entry = row.left ?? row.right!
            return (
              <tr
                key={`${index}:${row.key}`}
                ref={(el) => {
                  rowRefs.current[index] = el
                }}
                tabIndex={index === active ? 0 : -1}
                onFocus={() => setActive(index)}
                className={`compare-row compare-${row.status}${first ? ' compare-first' : ''}`}
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
                <td>{signed(row.costDelta, formatNumber)}</td>
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
    </section>
  )
}

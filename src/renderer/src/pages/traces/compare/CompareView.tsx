import { useEffect, useMemo, useState } from 'react'
import type { TraceNode } from '../../../../../shared/console/domains/data'
import { alignTraces, type EntityFigures } from '../../../../../shared/neurorail/trace-align'
import { ErrorNotice, Loading } from '../../../components/Notices'
import { errorMessage } from '../../../lib/transport/api'
import { formatCredits, formatDuration, formatNumber } from '../../../lib/format/format'
import { CompareRows, signed } from './CompareRows'
import { liveSide, loadSide, type CompareSide, type CompareSource } from './compareSides'

/** The totals compared above the rows: each mission's roll-up. */
const TOTALS: ReadonlyArray<{
  label: string
  pick: (f: EntityFigures) => number | null
  format: (n: number | null) => string
}> = [
  { label: 'Duration', pick: (f) => f.durationMs, format: formatDuration },
  { label: 'Tokens', pick: (f) => f.tokens, format: formatNumber },
  { label: 'Cost', pick: (f) => f.cost, format: formatCredits }
]

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

  if (error) return <ErrorNotice message={`The comparison could not be loaded: ${error}`} />
  if (!sides || !alignment) return <Loading what="both traces for the comparison" />
  const { left, right } = sides
  const c = alignment.counts
  return (
    <section className="compare card" aria-labelledby="compare-title" data-testid="compare-view">
      <div className="row">
        <h2 id="compare-title">
          Compare <span className="mono">{left.label}</span> with{' '}
          <span className="mono">{right.label}</span>
        </h2>
        <span style={{ flex: 1 }} />
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
        {TOTALS.map(({ label, pick, format }) => {
          const [a, b] = [pick(left.mission), pick(right.mission)]
          return (
            <div key={label}>
              <dt>{label}</dt>
              <dd>
                {format(a)} → {format(b)} ({signed(a === null || b === null ? null : b - a, format)}
                )
              </dd>
            </div>
          )
        })}
      </dl>
      <CompareRows
        alignment={alignment}
        leftId={left.missionId}
        rightId={right.missionId}
        onClose={onClose}
      />
    </section>
  )
}

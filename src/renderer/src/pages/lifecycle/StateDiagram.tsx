import { memo, useMemo } from 'react'
import type { LifecycleEntityType } from '../../../../shared/neurorail/lifecycle'
import { STATE_MACHINES, type StateMachine } from '../../../../shared/neurorail/state-machines'
import { formatCount } from '../../lib/format'
import { stateLabel, toneOf } from '../../lib/tone'
import { layoutMachine } from './layout'

const BOX_W = 132
const BOX_H = 40
const COL_W = 180
const ROW_H = 58

/**
 * One entity type's state machine as SVG: a box per state with its live count, an arrow per
 * allowed transition with how often it was taken. Counts are also in the boxes' text, so the
 * diagram reads without colour.
 */
export const StateDiagram = memo(function StateDiagram({
  type,
  counts,
  transitions
}: {
  type: LifecycleEntityType
  counts: Record<string, number>
  transitions: ReadonlyMap<string, number>
}) {
  const machine: StateMachine<string> = STATE_MACHINES[type]
  const layout = useMemo(() => layoutMachine(machine), [machine])
  const pos = new Map(layout.map((p) => [p.state, p]))
  const cols = Math.max(...layout.map((p) => p.col)) + 1
  const rows = Math.max(...layout.map((p) => p.row)) + 1
  const width = cols * COL_W + 20
  const height = rows * ROW_H + 30
  const x = (col: number) => 10 + col * COL_W
  const y = (row: number) => 24 + row * ROW_H
  const created = transitions.get(`:${machine.initial}`) ?? 0

  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${type} state machine with counts`}
      className="state-diagram"
      data-testid={`diagram-${type}`}
    >
      <defs>
        <marker id={`arrow-${type}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="var(--fg-muted)" />
        </marker>
      </defs>
      {Object.entries(machine.transitions).flatMap(([from, tos]) =>
        (tos as string[]).map((to) => {
          const a = pos.get(from)!
          const b = pos.get(to)!
          const n = transitions.get(`${from}:${to}`) ?? 0
          const forward = b.col > a.col
          // Same column, lower row: a short straight drop from bottom edge to top edge.
          const below = b.col === a.col && b.row > a.row
          const x1 = forward ? x(a.col) + BOX_W : x(a.col) + BOX_W / 2
          const y1 = forward ? y(a.row) + BOX_H / 2 : y(a.row) + BOX_H
          const x2 = forward ? x(b.col) : x(b.col) + BOX_W / 2
          const y2 = forward ? y(b.row) + BOX_H / 2 : below ? y(b.row) : y(b.row) + BOX_H
          const path = forward
            ? `M ${x1} ${y1} C ${x1 + 24} ${y1}, ${x2 - 24} ${y2}, ${x2} ${y2}`
            : below
              ? `M ${x1} ${y1} L ${x2} ${y2}`
              : `M ${x1} ${y1} C ${x1} ${y1 + 26}, ${x2} ${y2 + 26}, ${x2} ${y2}`
          return (
            <g key={`${from}-${to}`} className={n > 0 ? 'edge used' : 'edge'}>
              <path d={path} fill="none" stroke="var(--fg-muted)" strokeWidth={n > 0 ? 1.8 : 0.8} markerEnd={`url(#arrow-${type})`} />
              {n > 0 && (
                <text x={(x1 + x2) / 2 + (below ? 14 : 0)} y={forward || below ? (y1 + y2) / 2 - 4 : Math.max(y1, y2) + 22} fontSize="11" textAnchor="middle" fill="var(--fg)">
                  {formatCount(n)}
                </text>
              )}
            </g>
          )
        })
      )}
      <text x={x(0)} y={14} fontSize="11" fill="var(--fg-muted)">
        created: {formatCount(created)}
      </text>
      {layout.map((p) => (
        <g key={p.state} className={`node tone-${toneOf(p.state)}`} data-state={p.state} data-count={counts[p.state] ?? 0}>
          <rect x={x(p.col)} y={y(p.row)} width={BOX_W} height={BOX_H} rx="6" fill="var(--bg-elevated)" stroke="currentColor" strokeWidth="1.5" />
          <text x={x(p.col) + BOX_W / 2} y={y(p.row) + 16} textAnchor="middle" fontSize="12" fill="var(--fg)">
            {stateLabel(p.state)}
          </text>
          <text x={x(p.col) + BOX_W / 2} y={y(p.row) + 32} textAnchor="middle" fontSize="13" fontWeight="700" fill="currentColor">
            {formatCount(counts[p.state] ?? 0)}
          </text>
        </g>
      ))}
    </svg>
  )
})

import { memo, useMemo } from 'react'
import type { LifecycleEntityType } from '../../../../shared/neurorail/lifecycle'
import { STATE_MACHINES, type StateMachine } from '../../../../shared/neurorail/state-machines'
import { formatCount } from '../../lib/format/format'
import { hrefFor } from '../../lib/nav/router'
import { stateLabel, toneOf } from '../../lib/format/tone'
import { layoutMachine } from './layout'

const BOX_W = 132
const BOX_H = 40
const COL_W = 180
const ROW_H = 58

/** What the Lifecycle page drills into: a state's entities, or the entities that took an arrow. */
export interface Drill {
  type: LifecycleEntityType
  state?: string
  from?: string
  to?: string
}

/** The hash of a drill-down (kept in the URL, so it survives reloads and can be shared). */
export function drillHref(d: Drill): string {
  return hrefFor('lifecycle', [], { type: d.type, state: d.state, from: d.from, to: d.to })
}

/**
 * One entity type's state machine as SVG: a box per state with its live count, an arrow per
 * allowed transition with how often it was taken. Counts are also in the boxes' text, so the
 * diagram reads without colour. Every state and every arrow that was taken is a link (Tab, Enter)
 * that lists its entities below the diagram.
 */
export const StateDiagram = memo(function StateDiagram({
  type,
  counts,
  transitions,
  selected
}: {
  type: LifecycleEntityType
  counts: Record<string, number>
  transitions: ReadonlyMap<string, number>
  selected?: Drill | null
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
      role="group"
      aria-label={`${type} state machine with counts; each state and each taken transition lists its ${type}s`}
      className="state-diagram"
      data-testid={`diagram-${type}`}
    >
      <defs>
        <marker
          id={`arrow-${type}`}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto-start-reverse"
        >
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
          const edge = (
            <g className={n > 0 ? 'edge used' : 'edge'}>
              <path
                d={path}
                fill="none"
                stroke="var(--fg-muted)"
                strokeWidth={n > 0 ? 1.8 : 0.8}
                markerEnd={`url(#arrow-${type})`}
              />
              {n > 0 && (
                <>
                  {/* A wide invisible stroke: a thin arrow is hard to hit with a pointer. */}
                  <path d={path} fill="none" stroke="transparent" strokeWidth={12} />
                  <text
                    x={(x1 + x2) / 2 + (below ? 14 : 0)}
                    y={forward || below ? (y1 + y2) / 2 - 4 : Math.max(y1, y2) + 22}
                    fontSize="11"
                    textAnchor="middle"
                    fill="var(--fg)"
                  >
                    {formatCount(n)}
                  </text>
                </>
              )}
            </g>
          )
          if (n === 0) return <g key={`${from}-${to}`}>{edge}</g>
          const current = selected?.from === from && selected?.to === to
          return (
            <a
              key={`${from}-${to}`}
              href={drillHref({ type, from, to })}
              aria-label={`${stateLabel(from)} to ${stateLabel(to)}: ${formatCount(n)} transitions. List the ${type}s that took it`}
              aria-current={current ? 'true' : undefined}
              className={current ? 'drill selected' : 'drill'}
              data-testid={`edge-${type}-${from}-${to}`}
            >
              {edge}
            </a>
          )
        })
      )}
      <text x={x(0)} y={14} fontSize="11" fill="var(--fg-muted)">
        created: {formatCount(created)}
      </text>
      {layout.map((p) => {
        const count = counts[p.state] ?? 0
        // Both lines of a box are centred in it.
        const centre = { x: x(p.col) + BOX_W / 2, textAnchor: 'middle' } as const
        return (
          <a
            key={p.state}
            href={drillHref({ type, state: p.state })}
            aria-label={`${stateLabel(p.state)}: ${formatCount(count)} ${type}s. List them`}
            aria-current={selected?.state === p.state ? 'true' : undefined}
            className={selected?.state === p.state ? 'drill selected' : 'drill'}
            data-testid={`node-${type}-${p.state}`}
          >
            <g className={`node tone-${toneOf(p.state)}`} data-state={p.state} data-count={count}>
              <rect
                x={x(p.col)}
                y={y(p.row)}
                width={BOX_W}
                height={BOX_H}
                rx="6"
                fill="var(--bg-elevated)"
                stroke="currentColor"
                strokeWidth="1.5"
              />
              <text {...centre} y={y(p.row) + 16} fontSize="12" fill="var(--fg)">
                {stateLabel(p.state)}
              </text>
              {/* A space between the two texts: the visible label reads "state count", as the name does. */}{' '}
              <text
                {...centre}
                y={y(p.row) + 32}
                fontSize="13"
                fontWeight="700"
                fill="currentColor"
              >
                {formatCount(count)}
              </text>
            </g>
          </a>
        )
      })}
    </svg>
  )
})

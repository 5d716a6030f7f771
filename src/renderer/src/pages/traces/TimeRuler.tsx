import { useRef, type KeyboardEvent, type PointerEvent } from 'react'
import { useElementWidth } from '../../lib/hooks/useElementWidth'
import { formatOffset, ticksOf, type TimeWindow } from '../../lib/format/timeAxis'
import { fraction } from '../../lib/traces/waterfall'

/** Spans the minimap draws at most (one per mission, plan or job roll-up). */
const MINIMAP_SPANS = 400

/**
 * The waterfall's time axis: ticks labelled as offsets from the trace's start over the visible
 * window, and below it a minimap of the whole trace with the window drawn on it. Focusable:
 * + and - zoom, arrows pan, 0 shows everything; dragging the ruler pans, clicking the minimap
 * centres the window there.
 */
export function TimeRuler({
  full,
  view,
  spans,
  onZoom,
  onPan,
  onCenter,
  onReset
}: {
  full: TimeWindow
  view: TimeWindow
  /** Entity spans for the minimap (epoch ms; end null while running) and whether on the critical path. */
  spans: ReadonlyArray<{ start: number; end: number | null; critical: boolean }>
  onZoom: (factor: number, anchor?: number) => void
  onPan: (fraction: number) => void
  onCenter: (fractionOfFull: number) => void
  onReset: () => void
}) {
  // One label per ~56 px, so labels never run into each other however narrow the column.
  const { ref, width } = useElementWidth<HTMLDivElement>(300)
  const ticks = ticksOf(view, full.start, Math.max(2, Math.floor(width / 56)))
  const drag = useRef<{ x: number; width: number } | null>(null)
  const label =
    `Time axis of the trace: ${formatOffset(view.start - full.start)} to ${formatOffset(view.end - full.start)} ` +
    `after the start, of ${formatOffset(full.end - full.start)} in all. Plus and minus zoom, arrow keys pan, 0 shows all.`

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (handleTimeKey(e, onZoom, onPan, onReset, false)) e.preventDefault()
  }
  function onPointerDown(e: PointerEvent<HTMLDivElement>) {
    drag.current = { x: e.clientX, width: e.currentTarget.getBoundingClientRect().width || 1 }
    e.currentTarget.setPointerCapture(e.pointerId)
  }
  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    const d = drag.current
    if (!d || e.clientX === d.x) return
    onPan(-(e.clientX - d.x) / d.width)
    d.x = e.clientX
  }
  const winLeft = fraction(full, view.start) * 100
  const winWidth = Math.max(fraction(full, view.end) * 100 - winLeft, 0.5)
  return (
    <div className="ruler-wrap">
      <div
        ref={ref}
        className="ruler"
        role="slider"
        tabIndex={0}
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Math.round(full.end - full.start)}
        aria-valuenow={Math.round(view.start - full.start)}
        aria-valuetext={`${formatOffset(view.start - full.start)} to ${formatOffset(view.end - full.start)}`}
        data-testid="time-axis"
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
      >
        {ticks.map((t) => {
          const at = fraction(view, t.t)
          // Near the right edge the label goes left of its line, so it is never cut off.
          return (
            <span
              key={t.t}
              className={`tick${at > 0.82 ? ' end' : ''}`}
              style={{ left: `${at * 100}%` }}
              data-testid="time-tick"
            >
              {t.label}
            </span>
          )
        })}
      </div>
      <div
        className="minimap"
        data-testid="minimap"
        aria-hidden="true"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect()
          if (r.width > 0) onCenter((e.clientX - r.left) / r.width)
        }}
      >
        {spans.slice(0, MINIMAP_SPANS).map((s, i) => {
          const left = fraction(full, s.start) * 100
          const width = Math.max(fraction(full, s.end ?? full.end) * 100 - left, 0.3)
          return (
            <span
              key={i}
              className={`mspan${s.critical ? ' critical' : ''}`}
              style={{ left: `${left}%`, width: `${width}%`, top: `${(i % 4) * 25}%` }}
            />
          )
        })}
        <span
          className="mwindow"
          style={{ left: `${winLeft}%`, width: `${winWidth}%` }}
          data-testid="minimap-window"
        />
      </div>
    </div>
  )
}

/**
 * The time keys, shared by the ruler and the tree: + / = zoom in, - zoom out, 0 resets; the ruler
 * pans with Left/Right, the tree (whose arrows move and fold rows) with Shift+Left/Right.
 * Returns whether the key was used.
 */
export function handleTimeKey(
  e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  onZoom: (factor: number) => void,
  onPan: (fraction: number) => void,
  onReset: () => void,
  needShiftToPan: boolean
): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false
  if (e.key === '+' || e.key === '=') onZoom(2)
  else if (e.key === '-' || e.key === '_') onZoom(0.5)
  else if (e.key === '0') onReset()
  else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && e.shiftKey === needShiftToPan)
    onPan(e.key === 'ArrowLeft' ? -0.25 : 0.25)
  else return false
  return true
}

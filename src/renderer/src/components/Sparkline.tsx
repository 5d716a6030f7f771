import { memo } from 'react'

/**
 * A tiny line of recent values as plain SVG. It redraws every second, so it avoids a charting
 * library's layout work; the numbers are also given as text for screen readers.
 */
export const Sparkline = memo(function Sparkline({
  values,
  width = 240,
  height = 40,
  label
}: {
  values: readonly number[]
  width?: number
  height?: number
  label: string
}) {
  const finite = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0))
  const max = Math.max(1, ...finite)
  const step = finite.length > 1 ? (width - 2) / (finite.length - 1) : width
  // Points stay inside the viewBox (1 px in from each side) and the box clips anything else, so
  // the line can never draw over the next card.
  const points = finite
    .map(
      (v, i) => `${(1 + i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`
    )
    .join(' ')
  return (
    <div className="sparkline-box" style={{ height }}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        width="100%"
        height={height}
        role="img"
        aria-label={label}
        className="sparkline"
      >
        <polyline
          points={points}
          fill="none"
          stroke="var(--chart-1)"
          strokeWidth="1.5"
          vectorEffect="non-scaling-stroke"
        />
      </svg>
    </div>
  )
})

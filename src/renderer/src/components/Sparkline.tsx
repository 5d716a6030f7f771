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
  const max = Math.max(1, ...values)
  const step = values.length > 1 ? width / (values.length - 1) : width
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ')
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      height={height}
      role="img"
      aria-label={label}
      className="sparkline"
    >
      <polyline points={points} fill="none" stroke="var(--chart-1)" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
    </svg>
  )
})

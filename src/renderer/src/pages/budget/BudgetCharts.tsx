import { memo, useMemo } from 'react'
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import { Card } from '../../components/Card'
import { binSum, MAX_POINTS_PER_PIXEL } from '../../lib/format/downsample'
import type { BudgetPoint } from '../../lib/live/budget'
import { useElementWidth } from '../../lib/hooks/useElementWidth'

// Stable props (Recharts performance guide): constant keys, formatters and margins defined once.
const COUNT_KEYS = ['timeouts', 'retries', 'rejections', 'violations', 'tokens', 'cost'] as const
const MARGIN = { top: 8, right: 16, bottom: 0, left: 0 }
const tickTime = (x: number) => new Date(x).toLocaleTimeString('en-GB', { hour12: false })
const labelTime = (x: unknown) => new Date(Number(x)).toLocaleTimeString('en-GB', { hour12: false })
const HEIGHT = 220

/** One chart: its card, its y axes (by id; the first on the left) and its lines. */
interface ChartSpec {
  label: string
  title: string
  axes: ReadonlyArray<{ id: string; integer?: boolean }>
  lines: ReadonlyArray<{
    key: (typeof COUNT_KEYS)[number]
    name: string
    color: string
    axis: string
  }>
}

const CHARTS: readonly ChartSpec[] = [
  {
    label: 'Timeouts, retries and rejections per second',
    title: 'Timeouts, retries, rejections / s',
    axes: [{ id: 'count', integer: true }],
    lines: [
      { key: 'timeouts', name: 'timeouts', color: 'var(--chart-2)', axis: 'count' },
      { key: 'retries', name: 'retries', color: 'var(--chart-1)', axis: 'count' },
      { key: 'rejections', name: 'parallelism rejections', color: 'var(--chart-4)', axis: 'count' }
    ]
  },
  {
    label: 'Tokens and cost per second',
    title: 'Tokens and cost / s',
    axes: [{ id: 'tokens' }, { id: 'cost' }],
    lines: [
      { key: 'tokens', name: 'LLM tokens', color: 'var(--chart-1)', axis: 'tokens' },
      { key: 'cost', name: 'cost (credits)', color: 'var(--chart-3)', axis: 'cost' }
    ]
  }
]

/**
 * Enforcement activity over time, downsampled to at most 4 points per pixel of the chart's width
 * (binned sums, so no event is lost from the totals). Animations are off: the data moves every frame.
 */
export const BudgetCharts = memo(function BudgetCharts({
  series
}: {
  series: readonly BudgetPoint[]
}) {
  const { ref, width } = useElementWidth<HTMLDivElement>()
  const data = useMemo(
    () => binSum(series, Math.max(10, width * MAX_POINTS_PER_PIXEL), COUNT_KEYS) as BudgetPoint[],
    [series, width]
  )
  return (
    <div ref={ref} className="grid-2" data-testid="budget-charts" data-points={data.length}>
      {CHARTS.map((chart) => (
        <Card key={chart.label} label={chart.label} title={chart.title}>
          <LineChart
            width={Math.max(200, width / 2 - 40)}
            height={HEIGHT}
            data={data}
            margin={MARGIN}
          >
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis
              dataKey="x"
              type="number"
              domain={['dataMin', 'dataMax']}
              tickFormatter={tickTime}
              interval="preserveStartEnd"
              stroke="var(--fg-muted)"
            />
            {chart.axes.map((axis, i) => (
              <YAxis
                key={axis.id}
                yAxisId={axis.id}
                orientation={i === 0 ? 'left' : 'right'}
                allowDecimals={!axis.integer}
                stroke="var(--fg-muted)"
              />
            ))}
            <Tooltip labelFormatter={labelTime} />
            <Legend />
            {chart.lines.map((line) => (
              <Line
                key={line.key}
                yAxisId={line.axis}
                type="linear"
                dataKey={line.key}
                name={line.name}
                stroke={line.color}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </Card>
      ))}
    </div>
  )
})

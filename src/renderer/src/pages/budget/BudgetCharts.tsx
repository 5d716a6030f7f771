import { memo, useMemo } from 'react'
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import { binSum, MAX_POINTS_PER_PIXEL } from '../../lib/format/downsample'
import type { BudgetPoint } from '../../lib/live/budget'
import { useElementWidth } from '../../lib/hooks/useElementWidth'

// Stable props (Recharts performance guide): constant keys, formatters and margins defined once.
const COUNT_KEYS = ['timeouts', 'retries', 'rejections', 'violations', 'tokens', 'cost'] as const
const MARGIN = { top: 8, right: 16, bottom: 0, left: 0 }
const tickTime = (x: number) => new Date(x).toLocaleTimeString('en-GB', { hour12: false })
const labelTime = (x: unknown) => new Date(Number(x)).toLocaleTimeString('en-GB', { hour12: false })
const HEIGHT = 220

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
      <section className="card" aria-label="Timeouts, retries and rejections per second">
        <h2>Timeouts, retries, rejections / s</h2>
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
          <YAxis allowDecimals={false} stroke="var(--fg-muted)" />
          <Tooltip labelFormatter={labelTime} />
          <Legend />
          <Line
            type="linear"
            dataKey="timeouts"
            name="timeouts"
            stroke="var(--chart-2)"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="linear"
            dataKey="retries"
            name="retries"
            stroke="var(--chart-1)"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="linear"
            dataKey="rejections"
            name="parallelism rejections"
            stroke="var(--chart-4)"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </section>
      <section className="card" aria-label="Tokens and cost per second">
        <h2>Tokens and cost / s</h2>
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
          <YAxis yAxisId="tokens" stroke="var(--fg-muted)" />
          <YAxis yAxisId="cost" orientation="right" stroke="var(--fg-muted)" />
          <Tooltip labelFormatter={labelTime} />
          <Legend />
          <Line
            yAxisId="tokens"
            type="linear"
            dataKey="tokens"
            name="LLM tokens"
            stroke="var(--chart-1)"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="cost"
            type="linear"
            dataKey="cost"
            name="cost (credits)"
            stroke="var(--chart-3)"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </section>
    </div>
  )
})

import { lazy, Suspense } from 'react'
import type { JobBudgetView } from '../../../../shared/console/domains/governance'
import { Mono, Noted } from '../../components/Mono'
import { Card } from '../../components/Card'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { LoadError, Loading, UnavailableNotice } from '../../components/Notices'
import { Page } from '../../components/Page'
import { StatCard } from '../../components/StatCard'
import { TraceLink } from '../../components/TraceLink'
import { formatCount, formatCredits, formatNumber, formatTime } from '../../lib/format/format'
import { useThrottled } from '../../lib/hooks/useThrottled'
import { useStore } from '../../store'
import { useBudgetData } from './useBudgetData'
import { mergeViolations, violationCounts, type ViolationRow } from './violations'

// Recharts is the heaviest dependency and only this page draws charts: load it with the page.
const BudgetCharts = lazy(() => import('./BudgetCharts').then((m) => ({ default: m.BudgetCharts })))

/** A used figure and, when the job's budget sets one, its limit. */
function ofLimit(used: string, limit: string | null) {
  return <Noted note={limit !== null && `/ ${limit}`}>{used}</Noted>
}

const JOB_COLUMNS: readonly Column<JobBudgetView>[] = [
  {
    id: 'job',
    header: 'Job',
    width: 130,
    cell: (j) => <TraceLink id={j.jobId} />
  },
  { id: 'type', header: 'Type', width: 110, cell: (j) => j.jobType ?? '–' },
  {
    id: 'tokens',
    header: 'Tokens',
    width: 110,
    align: 'right',
    cell: (j) =>
      ofLimit(
        formatCount(j.llmTokens),
        j.budget?.max_llm_tokens != null ? formatCount(j.budget.max_llm_tokens) : null
      )
  },
  {
    id: 'cost',
    header: 'Cost',
    width: 90,
    align: 'right',
    cell: (j) =>
      ofLimit(
        formatCredits(j.costCredits),
        j.budget?.max_cost_credits != null ? formatNumber(j.budget.max_cost_credits) : null
      )
  },
  {
    id: 'attempts',
    header: 'Attempts',
    width: 70,
    align: 'right',
    cell: (j) => formatCount(j.attempts)
  },
  {
    id: 'retries',
    header: 'Retries',
    width: 70,
    align: 'right',
    cell: (j) =>
      ofLimit(
        formatCount(j.retries),
        j.budget?.max_retries != null ? formatCount(j.budget.max_retries) : null
      )
  },
  {
    id: 'violations',
    header: 'Violations',
    width: 80,
    align: 'right',
    grow: true,
    cell: (j) => formatCount(j.violations)
  }
]

const VIOLATION_COLUMNS: readonly Column<ViolationRow>[] = [
  { id: 'at', header: 'When', width: 90, cell: (r) => formatTime(r.at) },
  { id: 'kind', header: 'Kind', width: 90, cell: (r) => r.kind },
  { id: 'code', header: 'Code', width: 80, cell: (r) => <Mono>{r.code}</Mono> },
  {
    id: 'trace',
    header: 'Trace',
    width: 130,
    cell: (r) => <TraceLink id={r.attemptId ?? r.jobId ?? r.missionId} />
  },
  { id: 'message', header: 'Message', width: 260, cell: (r) => r.message }
]

/** Budget dashboard: enforcement cards, charts over time, violations with links to their traces. */
export function BudgetPage() {
  const { overview, violations } = useBudgetData()
  // Cards and tables follow every flush (one a frame at most); charts redraw once a second, since
  // their points are per-second buckets.
  const live = useStore((s) => s.budget)
  const series = useThrottled(live.series, 1000)
  const o = overview.data?.available ? overview.data : null
  const byType = o?.violationsByType ?? {}
  const unavailable = overview.data && !overview.data.available ? overview.data.message : null

  // One row per violation id: the backend's record and both live copies of it collapse.
  const rows = mergeViolations(
    violations.data?.available ? violations.data.violations : [],
    live.violations
  )
  const counts = violationCounts(o ? { total: o.totals.violations, byType } : null, rows)
  const retriesBackend = o ? o.jobs.reduce((a, j) => a + j.retries, 0) : null

  return (
    <Page title="Budget">
      <UnavailableNotice
        message={unavailable}
        fallback="The cards and charts below fill from the live enforcement stream instead."
      />
      <LoadError what="Budget usage" load={overview} />

      <div className="cards">
        <StatCard
          title="Timeouts"
          testId="budget-timeouts"
          value={o ? (counts.byType.timeout ?? 0) : live.totals.timeouts}
          sub={`${o ? 'timeout violations recorded; ' : ''}${formatCount(live.totals.timeouts)} live, ${formatCount(live.totals.gracePeriods)} with grace period`}
        />
        <StatCard
          title="Retries"
          testId="budget-retries"
          value={retriesBackend ?? live.totals.retries}
          sub={`${retriesBackend !== null ? 'in recent jobs; ' : ''}${formatCount(live.totals.retries)} live`}
        />
        <StatCard
          title="Parallelism rejections"
          testId="budget-rejections"
          value={o ? (counts.byType.parallelism ?? 0) : live.totals.parallelismRejected}
          sub={`${formatCount(live.totals.parallelismRejected)} live`}
        />
        <StatCard
          title="LLM tokens"
          testId="budget-tokens"
          value={o ? o.totals.llmTokens : live.totals.tokens}
          sub={`${o ? 'recent jobs; ' : ''}${formatCount(live.totals.tokens)} live`}
        />
        <StatCard
          title="Cost (credits)"
          testId="budget-cost"
          value={formatCredits(o ? o.totals.costCredits : live.totals.cost)}
          sub={`${o ? 'recent jobs; ' : ''}${formatCredits(live.totals.cost)} live`}
        />
        <StatCard
          title="Violations"
          testId="budget-violations"
          value={counts.total}
          sub={
            Object.entries(counts.byType)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ') || 'none recorded'
          }
        />
      </div>

      {series.length === 0 ? (
        <EmptyState title="No enforcement activity yet">
          Charts of timeouts, retries, parallelism rejections, tokens and cost per second appear
          here as the enforcement stream reports them. The totals above include earlier activity.
        </EmptyState>
      ) : (
        <Suspense fallback={<Loading what="charts" />}>
          <BudgetCharts series={series} />
        </Suspense>
      )}

      {o && o.jobs.length > 0 && (
        <Card
          label="Budget use of recent jobs"
          title="Recent jobs against their budgets"
          style={{ marginBottom: 16 }}
        >
          <DataTable<JobBudgetView>
            label="Recent jobs against their budgets"
            testId="budget-jobs"
            rows={o.jobs}
            rowKey={(j) => j.jobId}
            columns={JOB_COLUMNS}
            height="40vh"
          />
        </Card>
      )}

      <Card label="Budget violations" title="Violations">
        <DataTable<ViolationRow>
          label="Violations"
          testId="violations-table"
          rows={rows.slice(0, 200)}
          rowKey={(r) => r.key}
          rowData={(r) => ({ 'data-violation-id': r.key })}
          columns={VIOLATION_COLUMNS}
          height="50vh"
          empty={
            <>
              No budget violation recorded. Timeouts (NR-E100), exhausted retries (E101),
              parallelism limits (E102) and cost or token overruns (E103/E104) are listed here with
              links to their traces.
            </>
          }
        />
      </Card>
    </Page>
  )
}

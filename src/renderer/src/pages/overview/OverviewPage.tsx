import type { SignalView, ViolationView } from '../../../../shared/console/domains/governance'
import { Card } from '../../components/Card'
import { DataTable, type Column } from '../../components/DataTable'
import { LiveTail } from '../../components/LiveTail'
import { Noted } from '../../components/Mono'
import { Page } from '../../components/Page'
import { Sparkline } from '../../components/Sparkline'
import { StatCard } from '../../components/StatCard'
import { StateBadge } from '../../components/StateBadge'
import { EmptyState } from '../../components/EmptyState'
import { LoadError, StaleNotice } from '../../components/Notices'
import { TraceLink } from '../../components/TraceLink'
import { activePending, activeStates } from '../../lib/format/lifecycleCounts'
import {
  formatCount,
  formatDataAge,
  formatDuration,
  formatNumber,
  formatPercent,
  formatTime
} from '../../lib/format/format'
import { hrefFor } from '../../lib/nav/router'
import { recentRate } from '../../lib/live/rate'
import { useNow } from '../../lib/hooks/useNow'
import { useThrottled } from '../../lib/hooks/useThrottled'
import { useStore } from '../../store'
import { mergeViolations } from '../budget/violations'
import { mergeSignals, type SignalRow } from './signals'
import { useOverviewData } from './useOverviewData'

/** Overview: connection and data age, entity counts, live rate, error rate, p95, recent failures. */
export function OverviewPage() {
  const { stats, telemetry, failures, violations, signals } = useOverviewData()
  const connection = useStore((s) => s.connection)
  const env = useStore((s) => s.environments.find((e) => e.id === s.activeEnvironmentId))
  const now = useNow(1000)
  const states = stats.data?.states
  const missions = activePending('mission', states?.mission)
  const jobs = activePending('job', states?.job, stats.data?.givenUp ?? null)
  const attempts = activePending('attempt', states?.attempt)
  const nothing = stats.data && missions.total + jobs.total + attempts.total === 0
  const dataAge = connection?.lastDataAt
    ? now - Date.parse(connection.lastDataAt)
    : connection?.dataAgeMs

  return (
    <Page title="Overview">
      <StaleNotice stale={stats.data?.stale} />
      <LoadError what="Counts" load={stats} />

      <div className="cards">
        <Card label="Environment" testId="overview-connection">
          <div className="row">
            <strong>{env?.name ?? connection?.environmentId ?? '…'}</strong>
            {env?.isProduction && <span className="badge prod">PROD</span>}
          </div>
          <div className="row" style={{ marginTop: 6 }}>
            <StateBadge state={connection?.status ?? 'connecting'} />
            <span className="muted">
              newest data: {connection?.lastDataAt ? formatDataAge(dataAge) : 'none received yet'}
            </span>
          </div>
          {connection?.message && <p className="muted">{connection.message}</p>}
        </Card>
        <LiveRateCard />
        <StatCard
          title="Error rate (1 h)"
          testId="overview-error-rate"
          value={
            telemetry.data
              ? formatPercent(telemetry.data.error_rate_1h)
              : telemetry.error
                ? 'n/a'
                : '…'
          }
          href={hrefFor('audit', [], { severity: 'error' })}
          sub={
            telemetry.error
              ? 'This backend offers no telemetry snapshot.'
              : 'failed share of finished attempts'
          }
        />
        <StatCard
          title="p95 latency (1 h)"
          testId="overview-p95"
          value={
            telemetry.data
              ? formatDuration(telemetry.data.p95_latency_1h_ms)
              : telemetry.error
                ? 'n/a'
                : '…'
          }
          href={hrefFor('budget')}
          sub={
            telemetry.data
              ? `average ${formatDuration(telemetry.data.avg_latency_1h_ms)}`
              : undefined
          }
        />
      </div>

      {nothing ? (
        <EmptyState title="No missions yet">
          Counts of active and pending missions, jobs and attempts appear here as soon as an agent
          reports work to this environment's backend.
        </EmptyState>
      ) : (
        <div className="cards counts" data-testid="overview-counts">
          <StatCard
            title="Active missions"
            testId="count-missions-active"
            value={stats.data ? missions.active : null}
            href={hrefFor('traces', [], { kind: 'missions' })}
            sub={activeStates('mission').join(', ')}
          />
          <StatCard
            title="Pending missions"
            testId="count-missions-pending"
            value={stats.data ? missions.pending : null}
            href={hrefFor('traces', [], { kind: 'missions', state: 'pending' })}
            sub={`of ${formatCount(missions.total)} missions`}
          />
          <StatCard
            title="Active jobs"
            testId="count-jobs-active"
            value={stats.data ? jobs.active : null}
            href={hrefFor('traces', [], { kind: 'jobs' })}
            sub={
              jobs.givenUp === null
                ? activeStates('job').join(', ')
                : `${activeStates('job').join(', ')}; not given up`
            }
          />
          <StatCard
            title="Jobs awaiting retry"
            testId="count-jobs-awaiting-retry"
            value={stats.data ? jobs.awaitingRetry : null}
            href={hrefFor('traces', [], { kind: 'jobs', state: 'failed_mechanical' })}
            sub={
              jobs.givenUp === null
                ? 'failed_mechanical (this backend cannot tell given-up ones apart)'
                : 'failed_mechanical, retries left'
            }
          />
          <StatCard
            title="Jobs given up"
            testId="count-jobs-given-up"
            value={stats.data ? (jobs.givenUp ?? 'n/a') : null}
            href={hrefFor('audit', [], { type: 'job_given_up' })}
            sub={
              jobs.givenUp === null
                ? 'this backend does not say'
                : 'retries used up or refused; nobody will retry'
            }
          />
          <StatCard
            title="Pending jobs"
            testId="count-jobs-pending"
            value={stats.data ? jobs.pending : null}
            href={hrefFor('traces', [], { kind: 'jobs', state: 'pending' })}
            sub={`of ${formatCount(jobs.total)} jobs`}
          />
          <StatCard
            title="Running attempts"
            testId="count-attempts-active"
            value={stats.data ? attempts.active : null}
            href={hrefFor('traces', [], { kind: 'attempts', state: 'running' })}
            sub={`of ${formatCount(attempts.total)} attempts`}
          />
          <StatCard
            title="Pending attempts"
            testId="count-attempts-pending"
            value={stats.data ? attempts.pending : null}
            href={hrefFor('traces', [], { kind: 'attempts', state: 'created' })}
            sub="created, not started"
          />
          <StatCard
            title="Failed attempts"
            testId="count-attempts-failed"
            value={stats.data ? attempts.failed : null}
            href={hrefFor('lifecycle')}
            sub="failed or timed out"
          />
        </div>
      )}

      <div className="grid-2">
        <Card label="Recent failures" testId="overview-failures">
          {failures.error && <p className="muted">{failures.error}</p>}
          {failures.data?.note && <p className="muted">{failures.data.note}</p>}
          {failures.data && failures.data.events.length === 0 && (
            <p className="muted">
              No failures among the newest {formatCount(failures.data.window)} events. Failed
              executions and entities entering a failure state will be listed here.
            </p>
          )}
          <ul className="plain">
            {failures.data?.events.map((e) => {
              const id = e.attempt_id ?? e.job_id ?? e.mission_id
              return (
                <li key={e.audit_id}>
                  <span className="muted">{formatTime(e.timestamp)}</span>{' '}
                  <TraceLink id={id} mono={false} fallback={null} />{' '}
                  <span className="mono">{e.event_type}</span> <span>{e.message}</span>
                </li>
              )
            })}
          </ul>
          {failures.data && failures.data.events.length > 0 && (
            <a href={hrefFor('audit', [], { severity: 'error' })}>All errors in the audit log</a>
          )}
        </Card>
        <ViolationsCard backend={violations.data?.available ? violations.data.violations : []} />
      </div>
      <SignalsCard
        backend={signals.data?.available ? signals.data.signals : []}
        unavailable={signals.data && !signals.data.available ? signals.data.message : null}
        error={signals.error}
      />
      <LiveTail />
    </Page>
  )
}

function LiveRateCard() {
  // The total follows every flush; the sparkline's buckets are per second, so it redraws once a second.
  const rate = useThrottled(
    useStore((s) => s.rate),
    1000
  )
  const total = useStore((s) => s.totalEvents)
  const paused = useStore((s) => s.paused)
  const now = useNow(1000)
  const eps = recentRate(rate, now, 5)
  return (
    <Card
      className="stat"
      label="Live events per second"
      title="Live events / s"
      testId="overview-eps"
    >
      <a className="value" href={hrefFor('audit')}>
        {eps < 10 ? eps.toFixed(1) : formatCount(eps)}
      </a>
      <Sparkline
        values={rate.counts}
        label={`Events per second over the last ${rate.counts.length} seconds`}
      />
      <div className="sub">
        <span data-testid="overview-total-events">{formatCount(total)}</span> events this session
        {paused && ' · paused'}
      </div>
    </Card>
  )
}

const VIOLATIONS_SHOWN = 6

function ViolationsCard({ backend }: { backend: readonly ViolationView[] }) {
  const live = useStore((s) => s.budget.violations)
  // One row per violation id: the backend's record and the stream's two copies of it collapse.
  const rows = mergeViolations(backend, live)
  const recent = rows.slice(0, VIOLATIONS_SHOWN)
  // The backend list is capped; past the cap the count says "at least".
  const capped = backend.length >= 100
  return (
    <Card
      label="Budget violations"
      testId="overview-violations"
      title={
        <>
          Budget violations{' '}
          <a
            href={hrefFor('budget')}
            data-testid="overview-violations-count"
            title="All of them are on the Budget page"
          >
            {formatCount(rows.length)}
            {capped ? '+' : ''}
          </a>
        </>
      }
    >
      {recent.length === 0 ? (
        <p className="muted">
          None recorded. Timeouts, exhausted retries, parallelism limits and cost or token overruns
          will show here.
        </p>
      ) : (
        <ul className="plain">
          {recent.map((v) => {
            const id = v.attemptId ?? v.jobId ?? v.missionId
            return (
              <li key={v.key}>
                <span className="muted">{formatTime(v.at)}</span> <strong>{v.kind}</strong>{' '}
                {v.code && <span className="mono">{v.code}</span>}{' '}
                <TraceLink id={id} mono={false} fallback={null} /> {v.message}
              </li>
            )
          })}
        </ul>
      )}
    </Card>
  )
}

const SIGNALS_SHOWN = 8

function formatSignalNumber(metric: string | null, v: number | null): string {
  if (v === null) return '–'
  if (metric && /rate/.test(metric)) return formatPercent(v)
  if (metric && /latency|ms/.test(metric)) return formatDuration(v)
  return formatNumber(v)
}

const SIGNAL_COLUMNS: readonly Column<SignalRow>[] = [
  { id: 'at', header: 'When', width: 90, cell: (r) => formatTime(r.at) },
  {
    id: 'metric',
    header: 'Metric',
    width: 150,
    cell: (r) => <Noted note={r.detector && `(${r.detector})`}>{r.metric ?? '–'}</Noted>
  },
  { id: 'type', header: 'Job type', width: 110, cell: (r) => r.jobType ?? '–' },
  {
    id: 'value',
    header: 'Value',
    width: 150,
    align: 'right',
    cell: (r) => (
      <Noted note={r.baseline !== null && `vs ${formatSignalNumber(r.metric, r.baseline)}`}>
        {formatSignalNumber(r.metric, r.value)}
      </Noted>
    )
  },
  { id: 'score', header: 'Score', width: 60, align: 'right', cell: (r) => formatNumber(r.score) },
  {
    id: 'hint',
    header: 'Hint',
    width: 300,
    cell: (r) => (
      <span>
        {r.hint ?? ''}
        {r.entityId && (
          <>
            {' '}
            <TraceLink id={r.entityId} />
          </>
        )}
      </span>
    )
  }
]

/** Recent anomaly signals (z-score / EWMA detectors over latency and error rate), with hints. */
function SignalsCard({
  backend,
  unavailable,
  error
}: {
  backend: readonly SignalView[]
  unavailable: string | null
  error: string | null
}) {
  const live = useStore((s) => s.signalEvents)
  const rows = mergeSignals(backend, live).slice(0, SIGNALS_SHOWN)
  return (
    <Card label="Anomaly signals" testId="overview-signals" style={{ marginBottom: 16 }}>
      {error && <p className="muted">Signals could not be loaded: {error}</p>}
      <DataTable<SignalRow>
        label="Anomaly signals"
        testId="signals-table"
        rows={rows}
        rowKey={(r) => r.key}
        columns={SIGNAL_COLUMNS}
        height="40vh"
        empty={
          unavailable ??
          'No anomaly so far. When attempt latency or the error rate of a job type rises well above its usual level, the signal appears here with a hint.'
        }
      />
    </Card>
  )
}

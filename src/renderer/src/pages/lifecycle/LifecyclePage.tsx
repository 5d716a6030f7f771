import { useMemo } from 'react'
import {
  LIFECYCLE_ENTITY_TYPES,
  type LifecycleEntityType
} from '../../../../shared/neurorail/lifecycle'
import { STATE_MACHINES } from '../../../../shared/neurorail/state-machines'
import { Card } from '../../components/Card'
import { EmptyState } from '../../components/EmptyState'
import { LoadError, Loading, StaleNotice } from '../../components/Notices'
import { Page } from '../../components/Page'
import { StateBadge } from '../../components/StateBadge'
import { TraceLink } from '../../components/TraceLink'
import { formatCount, formatTime } from '../../lib/format/format'
import { activePending } from '../../lib/format/lifecycleCounts'
import { hrefFor, type Route } from '../../lib/nav/router'
import { useHeldWhileFocused } from '../../lib/hooks/useHeldWhileFocused'
import { useStore } from '../../store'
import { DrillDown } from './DrillDown'
import { StateDiagram, type Drill } from './StateDiagram'
import { useLifecycleData } from './useLifecycleData'

/** Lifecycle monitor: live counts per state, the state machines with counts, active jobs, recent transitions. */
export function LifecyclePage({ route }: { route: Route }) {
  const drill = parseDrill(route.query)
  const { stats, running, earlier } = useLifecycleData()
  const counts = useStore((s) => s.lifecycleCounts)
  const recent = useStore((s) => s.transitions)
  // Transition counts: the backend's, plus the live transitions that arrived after it answered.
  const statsAt = stats.updatedAt
  const edgeCounts = useMemo(() => {
    const m = new Map<string, Map<string, number>>()
    const add = (type: string, key: string, n: number) => {
      const per = m.get(type) ?? new Map<string, number>()
      per.set(key, (per.get(key) ?? 0) + n)
      m.set(type, per)
    }
    for (const t of stats.data?.transitions ?? [])
      add(t.entity_type, `${t.from_state ?? ''}:${t.to_state}`, t.count)
    for (const t of recent) if (t.at > statsAt) add(t.entityType, `${t.from ?? ''}:${t.to}`, 1)
    return m
  }, [stats.data, statsAt, recent])
  const shown = counts ?? stats.data?.states ?? null
  const rows = useMemo(() => {
    const liveRows = recent.slice(-40).reverse()
    const oldestLive = liveRows.at(-1)?.at ?? Infinity
    const fromAudit = (earlier.data?.events ?? []).flatMap((e) => {
      const d = e.details as Record<string, unknown>
      const at = Date.parse(e.timestamp)
      if (typeof d.entity_id !== 'string' || typeof d.to_state !== 'string' || !(at < oldestLive))
        return []
      return [
        {
          id: e.audit_id,
          entityId: d.entity_id,
          entityType: String(d.entity_type ?? ''),
          from: typeof d.from_state === 'string' ? d.from_state : null,
          to: d.to_state,
          at
        }
      ]
    })
    return [...liveRows, ...fromAudit].slice(0, 40)
  }, [recent, earlier.data])
  // Focus on a transition's link holds the list, so newer transitions never unmount the focused row.
  const recentList = useHeldWhileFocused(rows)

  return (
    <Page
      title="Lifecycle"
      head={
        stats.data?.source === 'cache' && (
          <span className="badge tone-info">counted from the local cache</span>
        )
      }
    >
      <StaleNotice stale={stats.data?.stale} />
      <LoadError what="Counts" load={stats} />
      {!shown && stats.loading && <Loading what="lifecycle counts" />}

      {shown &&
        LIFECYCLE_ENTITY_TYPES.map((type) => {
          const per = shown[type] ?? {}
          const total = Object.values(per).reduce((a, b) => a + b, 0)
          return (
            <Card
              key={type}
              style={{ marginBottom: 16, overflowX: 'auto' }}
              label={`${type} states`}
              title={`${type}s · ${formatCount(total)}`}
              testId={`lifecycle-${type}`}
            >
              <div className="row" style={{ marginBottom: 8 }}>
                {(STATE_MACHINES[type].states as readonly string[]).map((s) => (
                  <span
                    key={s}
                    className="row"
                    data-testid={`count-${type}-${s}`}
                    data-count={per[s] ?? 0}
                  >
                    <StateBadge state={s} /> <strong>{formatCount(per[s] ?? 0)}</strong>
                  </span>
                ))}
              </div>
              {type === 'job' && (
                <JobFailureSplit counts={per} givenUp={stats.data?.givenUp ?? null} />
              )}
              <StateDiagram
                type={type}
                counts={per}
                transitions={edgeCounts.get(type) ?? new Map()}
                selected={drill?.type === type ? drill : null}
              />
              {drill?.type === type && (
                <DrillDown key={`${drill.state}|${drill.from}|${drill.to}`} drill={drill} />
              )}
            </Card>
          )
        })}

      <div className="grid-2">
        <Card label="Active jobs" title="Running jobs" testId="active-jobs">
          {running.error && <p className="muted">{running.error}</p>}
          {running.data && running.data.items.length === 0 && (
            <p className="muted">No job is running. Jobs appear here while they execute.</p>
          )}
          <ul className="plain">
            {running.data?.items.map((j) => (
              <li key={j.entityId}>
                <TraceLink id={j.entityId} /> <StateBadge state={j.state} />{' '}
                <span className="muted">
                  {String((j.record as { job_type?: string }).job_type ?? '')}
                </span>
              </li>
            ))}
          </ul>
        </Card>
        <Card
          label="Recent transitions"
          title={`Recent transitions${recentList.held ? ' (held while focused)' : ''}`}
          testId="recent-transitions"
          data-held={recentList.held}
          onFocus={recentList.onFocus}
          onBlur={recentList.onBlur}
        >
          {recentList.shown.length === 0 ? (
            <EmptyState title="Waiting for transitions">
              Every state change of a mission, job or attempt appears here the moment the stream
              reports it.
            </EmptyState>
          ) : (
            <ul className="plain">
              {recentList.shown.map((t) => (
                <li key={t.id}>
                  <span className="muted">{formatTime(t.at)}</span>{' '}
                  <TraceLink id={t.entityId} data-transition-id={t.id} />{' '}
                  {t.from ? <StateBadge state={t.from} /> : <span className="muted">new</span>} →{' '}
                  <StateBadge state={t.to} />
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </Page>
  )
}

/**
 * failed_mechanical is the one non-terminal failure: a job there may be retried, or its agent may
 * have given up on it (retries used up, a refusal it would not wait out). The backend says which.
 */
function JobFailureSplit({
  counts,
  givenUp
}: {
  counts: Record<string, number>
  givenUp: Record<string, number> | null
}) {
  const split = activePending('job', counts, givenUp)
  if (split.givenUp === null) {
    return (
      <p className="muted" data-testid="lifecycle-job-split">
        This backend does not say which failed_mechanical jobs will be retried and which were given
        up.
      </p>
    )
  }
  return (
    <p className="row" data-testid="lifecycle-job-split">
      <span>
        awaiting retry{' '}
        <strong data-testid="lifecycle-jobs-awaiting-retry">
          {formatCount(split.awaitingRetry)}
        </strong>
      </span>
      <span>
        given up{' '}
        <a
          href={hrefFor('audit', [], { type: 'job_given_up' })}
          data-testid="lifecycle-jobs-given-up"
        >
          {formatCount(split.givenUp)}
        </a>
      </span>
      <span className="muted">
        (a given-up job stays in its state, failed_mechanical or ready, but nobody will move it
        again)
      </span>
    </p>
  )
}

/** The drill-down named by the URL (`?type=job&state=running` or `?type=job&from=running&to=succeeded`). */
function parseDrill(q: URLSearchParams): Drill | null {
  const type = q.get('type') as LifecycleEntityType | null
  if (!type || !(LIFECYCLE_ENTITY_TYPES as readonly string[]).includes(type)) return null
  const states = STATE_MACHINES[type].states as readonly string[]
  const state = q.get('state')
  if (state && states.includes(state)) return { type, state }
  const from = q.get('from')
  const to = q.get('to')
  if (from && to && states.includes(from) && states.includes(to)) return { type, from, to }
  return null
}

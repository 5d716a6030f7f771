import type { ReactNode } from 'react'
import type { ListedEntity, ListEntitiesInput } from '../../../../shared/console/domains/data'
import type { AuditEvent } from '../../../../shared/neurorail/audit'
import type { LifecycleEntityType } from '../../../../shared/neurorail/lifecycle'
import { DataTable, type Column } from '../../components/DataTable'
import { ErrorNotice, Loading } from '../../components/Notices'
import { StateBadge } from '../../components/StateBadge'
import { TraceLink } from '../../components/TraceLink'
import { api } from '../../lib/transport/api'
import { formatTime } from '../../lib/format/format'
import { hrefFor, navigate, traceHref } from '../../lib/nav/router'
import { stateLabel } from '../../lib/format/tone'
import { useDataEpoch } from '../../lib/hooks/useAsync'
import { usePaged } from '../../lib/hooks/usePaged'
import { listColumns } from '../traces/listColumns'
import { listEntities } from '../traces/listEntities'
import type { Drill } from './StateDiagram'

const LIST: Record<LifecycleEntityType, 'missions' | 'jobs' | 'attempts'> = {
  mission: 'missions',
  job: 'jobs',
  attempt: 'attempts'
}

/** The entities behind a clicked state or arrow of the Lifecycle diagrams, linked to their traces. */
export function DrillDown({ drill }: { drill: Drill }) {
  const close = () => navigate(hrefFor('lifecycle'))
  const title = drill.state
    ? `${drill.type}s in ${stateLabel(drill.state)}`
    : `${drill.type}s that went ${stateLabel(drill.from ?? '')} → ${stateLabel(drill.to ?? '')}`
  return (
    <section className="card drilldown" aria-labelledby="drill-title" data-testid="lifecycle-drill">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="drill-title">{title}</h2>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
      {drill.state ? (
        <StateList drill={drill} state={drill.state} onClose={close} />
      ) : (
        <TransitionList drill={drill} onClose={close} />
      )}
    </section>
  )
}

function StateList({
  drill,
  state,
  onClose
}: {
  drill: Drill
  state: string
  onClose: () => void
}) {
  const epoch = useDataEpoch()
  const kind = LIST[drill.type]
  const list = usePaged<ListedEntity>(
    (cursor) =>
      listEntities(kind, { state: state as ListEntitiesInput['state'], cursor, limit: 200 }),
    `${drill.type}|${state}|${epoch}`
  )
  return (
    <Paged
      error={list.error}
      loading={list.loading && list.items.length === 0}
      reload={list.reload}
      empty={!list.loading && list.items.length === 0}
      what={`${drill.type}s in this state`}
    >
      <DataTable<ListedEntity>
        label={`${drill.type}s in ${state}`}
        testId="drill-list"
        rows={list.items}
        rowKey={(r) => r.entityId}
        columns={listColumns(kind)}
        onOpen={(r) => navigate(traceHref(r.entityId))}
        onEscape={onClose}
        onNearEnd={list.loadMore}
        height="40vh"
      />
      <p className="muted" style={{ fontSize: 12 }}>
        <a href={hrefFor('traces', [], { kind, state })}>Open in Traces</a> to sort and filter.
      </p>
    </Paged>
  )
}

interface TransitionRow {
  auditId: string
  entityId: string
  from: string | null
  to: string
  action: string
  at: string
}

/** A transition audit entry of the drilled entity type and edge, as a row (null otherwise). */
function transitionRow(e: AuditEvent, drill: Drill): TransitionRow | null {
  const d = e.details as Record<string, unknown>
  if (d.entity_type !== drill.type || typeof d.entity_id !== 'string') return null
  if ((d.from_state ?? null) !== (drill.from ?? null) || d.to_state !== drill.to) return null
  return {
    auditId: e.audit_id,
    entityId: d.entity_id,
    from: drill.from ?? null,
    to: drill.to ?? '',
    action: String(d.transition ?? ''),
    at: e.timestamp
  }
}

const TRANSITION_COLUMNS: Column<TransitionRow>[] = [
  {
    id: 'id',
    header: 'ID',
    width: 130,
    cell: (r) => <TraceLink id={r.entityId} tabIndex={-1} />
  },
  { id: 'from', header: 'From', width: 150, cell: (r) => <StateBadge state={r.from} /> },
  { id: 'to', header: 'To', width: 150, cell: (r) => <StateBadge state={r.to} /> },
  { id: 'action', header: 'Action', width: 100, cell: (r) => r.action },
  {
    id: 'at',
    header: 'When',
    width: 160,
    cell: (r) => <span className="muted">{formatTime(r.at)}</span>
  }
]

/**
 * Who took an arrow: the transitions the audit log recorded (every backend audits them), newest
 * first, narrowed by the message's "from → to" text and then exactly by the event's details.
 */
function TransitionList({ drill, onClose }: { drill: Drill; onClose: () => void }) {
  const epoch = useDataEpoch()
  const list = usePaged<TransitionRow>(async (cursor) => {
    const page = await api().queryAudit({
      eventType: 'state_transition',
      text: `${drill.from ?? '(none)'} → ${drill.to}`,
      cursor,
      limit: 500
    })
    return {
      items: page.events.flatMap((e) => transitionRow(e, drill) ?? []),
      nextCursor: page.nextCursor,
      stale: page.stale
    }
  }, `${drill.type}|${drill.from}|${drill.to}|${epoch}`)
  return (
    <Paged
      error={list.error}
      loading={list.loading && list.items.length === 0}
      reload={list.reload}
      empty={!list.loading && list.done && list.items.length === 0}
      what="transitions"
    >
      <DataTable<TransitionRow>
        label={`${drill.type}s that took ${drill.from} to ${drill.to}`}
        testId="drill-list"
        rows={list.items}
        rowKey={(r) => r.auditId}
        columns={TRANSITION_COLUMNS}
        onOpen={(r) => navigate(traceHref(r.entityId))}
        onEscape={onClose}
        onNearEnd={list.loadMore}
        height="40vh"
      />
    </Paged>
  )
}

function Paged(props: {
  error: string | null
  loading: boolean
  empty: boolean
  reload: () => void
  what: string
  children: ReactNode
}) {
  if (props.error) return <ErrorNotice message={props.error} onRetry={props.reload} />
  if (props.loading) return <Loading what={props.what} />
  if (props.empty) return <p className="muted">None recorded.</p>
  return <>{props.children}</>
}

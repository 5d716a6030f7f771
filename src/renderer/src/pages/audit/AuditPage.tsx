import { useState, type FormEvent } from 'react'
import type { AuditQueryInput } from '../../../../shared/console/domains/data'
import {
  AUDIT_CATEGORIES,
  AUDIT_SEVERITIES,
  type AuditEvent
} from '../../../../shared/neurorail/audit'
import { Mono } from '../../components/Mono'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { SelectField, TextField } from '../../components/Field'
import { ErrorNotice, Loading, StaleNotice } from '../../components/Notices'
import { Page } from '../../components/Page'
import { StateBadge } from '../../components/StateBadge'
import { TraceLink } from '../../components/TraceLink'
import { api } from '../../lib/transport/api'
import { formatCount, formatTime } from '../../lib/format/format'
import { hrefFor, navigate, traceHref, type Route } from '../../lib/nav/router'
import { useDataEpoch } from '../../lib/hooks/useAsync'
import { usePaged } from '../../lib/hooks/usePaged'

const ROW = 30
const FIELDS = ['mission', 'job', 'type', 'category', 'severity', 'since', 'until', 'text'] as const
type Filters = Record<(typeof FIELDS)[number], string>

function readFilters(q: URLSearchParams): Filters {
  return Object.fromEntries(FIELDS.map((f) => [f, q.get(f) ?? ''])) as Filters
}

function toInput(f: Filters, cursor: string | undefined): AuditQueryInput {
  const input: AuditQueryInput = { limit: 500, cursor }
  if (f.mission) input.missionId = f.mission
  if (f.job) input.jobId = f.job
  if (f.type) input.eventType = f.type
  if (f.category) input.category = f.category as AuditQueryInput['category']
  if (f.severity) input.severity = f.severity as AuditQueryInput['severity']
  if (f.since) input.since = new Date(f.since).toISOString()
  if (f.until) input.until = new Date(f.until).toISOString()
  if (f.text) input.text = f.text
  return input
}

function traceIdOf(e: AuditEvent): string | null {
  return e.attempt_id ?? e.job_id ?? e.plan_id ?? e.mission_id ?? e.resource_uuid
}

const AUDIT_COLUMNS: Column<AuditEvent>[] = [
  {
    id: 'time',
    header: 'Time',
    width: 150,
    cell: (e) => <span className="muted">{formatTime(e.timestamp)}</span>
  },
  { id: 'severity', header: 'Severity', width: 84, cell: (e) => <StateBadge state={e.severity} /> },
  {
    id: 'category',
    header: 'Category',
    width: 90,
    cell: (e) => <span className="muted">{e.event_category}</span>
  },
  { id: 'type', header: 'Event type', width: 160, cell: (e) => <Mono>{e.event_type}</Mono> },
  {
    id: 'message',
    header: 'Message',
    width: 320,
    grow: true,
    cell: (e) => <span className="audit-message">{e.message}</span>
  },
  {
    id: 'entity',
    header: 'Entity',
    width: 130,
    cell: (e) => (
      <TraceLink
        id={traceIdOf(e)}
        fallback={null}
        tabIndex={-1}
        onClick={(ev) => ev.stopPropagation()}
      />
    )
  }
]

/** Audit log: filters, free-text search over the cache, virtualized rows, severity colours. */
export function AuditPage({ route }: { route: Route }) {
  const filters = readFilters(route.query)
  const epoch = useDataEpoch()
  const key = `${FIELDS.map((f) => filters[f]).join('|')}|${epoch}`
  const [total, setTotal] = useState<{ key: string; total: number | null; note: string | null }>({
    key: '',
    total: null,
    note: null
  })
  const list = usePaged<AuditEvent>(async (cursor) => {
    const r = await api().queryAudit(toInput(filters, cursor))
    if (!cursor) setTotal({ key, total: r.total, note: r.note })
    return { items: r.events, nextCursor: r.nextCursor, stale: r.stale }
  }, key)

  const meta = total.key === key ? total : { total: null, note: null }
  return (
    <Page
      title="Audit"
      head={
        <>
          <span className="muted" data-testid="audit-total">
            {meta.total !== null
              ? `${formatCount(meta.total)} events`
              : `${formatCount(list.items.length)} loaded`}
          </span>
          <button type="button" onClick={list.reload}>
            Refresh
          </button>
        </>
      }
    >
      <AuditFilters key={key} filters={filters} />
      <StaleNotice stale={list.stale} />
      {meta.note && <p className="notice tone-warn">{meta.note}</p>}
      {list.error && <ErrorNotice message={list.error} onRetry={list.reload} />}
      {list.loading && list.items.length === 0 && !list.error && <Loading what="audit events" />}
      {!list.loading && !list.error && list.items.length === 0 ? (
        <EmptyState title="No audit events">
          {Object.values(filters).some(Boolean)
            ? 'Nothing matches these filters. Clear them to see the whole log.'
            : 'Every execution, governance, safety and telemetry event the backend records appears here, newest first.'}
        </EmptyState>
      ) : (
        <DataTable<AuditEvent>
          label="Audit events; Enter opens the trace of the selected row"
          testId="audit-list"
          rows={list.items}
          rowKey={(e) => e.audit_id}
          columns={AUDIT_COLUMNS}
          onOpen={(e) => {
            const id = traceIdOf(e)
            if (id) navigate(traceHref(id))
          }}
          openOnClick
          onNearEnd={list.loadMore}
          rowHeight={ROW}
          height="65vh"
          rowClassName={(e) => `audit-row sev-${e.severity ?? 'none'}`}
          rowData={(e) => ({ 'data-audit-id': e.audit_id })}
        />
      )}
    </Page>
  )
}

function AuditFilters({ filters }: { filters: Filters }) {
  const [draft, setDraft] = useState(filters)
  function apply(next: Filters) {
    navigate(hrefFor('audit', [], next))
  }
  function submit(e: FormEvent) {
    e.preventDefault()
    apply(draft)
  }
  const set = (name: keyof Filters) => (value: string) => setDraft({ ...draft, [name]: value })
  const text = (name: keyof Filters, label: string, placeholder: string) => (
    <TextField
      label={label}
      value={draft[name]}
      placeholder={placeholder}
      onChange={set(name)}
      data-testid={`audit-filter-${name}`}
    />
  )
  // A choice applies at once (no submit), unlike the text fields.
  const choice = (name: 'category' | 'severity', label: string, options: readonly string[]) => (
    <SelectField
      label={label}
      value={draft[name]}
      options={options}
      any
      onChange={(value) => apply({ ...draft, [name]: value })}
      data-testid={`audit-filter-${name}`}
    />
  )
  return (
    <form className="filters" onSubmit={submit} aria-label="Audit filters">
      {text('text', 'Search', 'words in message or type')}
      {text('mission', 'Mission', 'm_…')}
      {text('job', 'Job', 'j_…')}
      {text('type', 'Event type', 'e.g. execution_failure')}
      {choice('category', 'Category', AUDIT_CATEGORIES)}
      {choice('severity', 'Severity', AUDIT_SEVERITIES)}
      <TextField label="Since" type="datetime-local" value={draft.since} onChange={set('since')} />
      <TextField label="Until" type="datetime-local" value={draft.until} onChange={set('until')} />
      <button type="submit" className="primary">
        Apply
      </button>
      <button
        type="button"
        onClick={() => apply(Object.fromEntries(FIELDS.map((f) => [f, ''])) as Filters)}
      >
        Clear
      </button>
    </form>
  )
}

import { useState, type FormEvent } from 'react'
import type { EntitySummary, ListEntitiesInput } from '../../../../shared/console/domains/data'
import { STATE_MACHINES } from '../../../../shared/neurorail/state-machines'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice, Loading, StaleNotice } from '../../components/Notices'
import { StateBadge } from '../../components/StateBadge'
import { api } from '../../lib/api'
import { formatTime } from '../../lib/format'
import { genAiLine } from '../../lib/genai'
import { hrefFor, navigate, traceHref, type Route } from '../../lib/router'
import { useDataEpoch } from '../../lib/useAsync'
import { usePaged, usePagedVirtualizer } from '../../lib/usePaged'

const KINDS = { missions: 'mission', jobs: 'job', attempts: 'attempt' } as const
type Kind = keyof typeof KINDS
const ROW = 30

function describe(item: EntitySummary): string {
  const r = item.record as Record<string, unknown>
  // Model, provider, tool and tokens, for native and OTel-ingested runs alike.
  const genAi = genAiLine(r)
  if (typeof r.job_type === 'string') return genAi ? `${r.job_type} · ${genAi}` : r.job_type
  if (typeof r.attempt_number === 'number') return `attempt #${r.attempt_number} of ${String(r.job_id ?? '')}`
  if (r.tags && typeof r.tags === 'object')
    return Object.entries(r.tags as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')
  return ''
}

/** Missions, jobs and attempts from the paged list API, with filters kept in the URL. */
export function EntityLists({ route }: { route: Route }) {
  const q = route.query
  const kind: Kind = q.get('kind') === 'jobs' ? 'jobs' : q.get('kind') === 'attempts' ? 'attempts' : 'missions'
  const filters = {
    state: q.get('state') ?? '',
    jobType: q.get('jobType') ?? '',
    since: q.get('since') ?? '',
    until: q.get('until') ?? ''
  }
  const epoch = useDataEpoch()
  const key = `${kind}|${filters.state}|${filters.jobType}|${filters.since}|${filters.until}|${epoch}`
  const list = usePaged<EntitySummary>((cursor) => {
    const input: ListEntitiesInput = { limit: 200, cursor }
    if (filters.state) input.state = filters.state as ListEntitiesInput['state']
    if (filters.jobType && kind === 'jobs') input.jobType = filters.jobType
    if (filters.since) input.since = new Date(filters.since).toISOString()
    if (filters.until) input.until = new Date(filters.until).toISOString()
    const method = kind === 'jobs' ? api().listJobs : kind === 'attempts' ? api().listAttempts : api().listMissions
    return method(input)
  }, key)

  const { scrollRef, virtualizer, rows: items } = usePagedVirtualizer(list, ROW, 20)

  function setFilter(changes: Record<string, string>) {
    navigate(hrefFor('traces', [], { kind, ...filters, ...changes }))
  }

  const states = STATE_MACHINES[KINDS[kind]].states as readonly string[]
  return (
    <section aria-label="Lists">
      <nav className="tabs" aria-label="Entity kind">
        {(Object.keys(KINDS) as Kind[]).map((k) => (
          <a key={k} href={hrefFor('traces', [], { kind: k })} aria-current={k === kind ? 'page' : undefined}>
            {k[0].toUpperCase() + k.slice(1)}
          </a>
        ))}
      </nav>
      <FilterBar key={`${kind}:${filters.jobType}`} kind={kind} states={states} filters={filters} onChange={setFilter} />
      <StaleNotice stale={list.stale} />
      {list.error && <ErrorNotice message={list.error} onRetry={list.reload} />}
      {list.loading && list.items.length === 0 && !list.error && <Loading what={kind} />}
      {!list.loading && !list.error && list.items.length === 0 ? (
        <EmptyState title={`No ${kind} match`}>
          {filters.state || filters.jobType || filters.since || filters.until
            ? 'Nothing matches these filters. Clear them to see everything.'
            : `${kind[0].toUpperCase() + kind.slice(1)} appear here, newest first, once agents report work to this environment.`}
        </EmptyState>
      ) : (
        <div ref={scrollRef} className="vlist" style={{ height: '60vh' }} role="list" aria-label={kind} data-testid="entity-list" data-count={list.items.length}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const item = list.items[v.index]
              return (
                <div key={item.entityId} className="vrow" role="listitem" style={{ top: v.start, height: ROW }}>
                  <a className="cell mono" style={{ width: 130, flex: 'none' }} href={traceHref(item.entityId)}>
                    {item.entityId}
                  </a>
                  <span className="cell" style={{ width: 170, flex: 'none' }}>
                    <StateBadge state={item.state} />
                  </span>
                  <span className="cell muted" style={{ width: 150, flex: 'none' }}>
                    {formatTime((item.record as { created_at?: string }).created_at)}
                  </span>
                  <span className="cell">{describe(item)}</span>
                </div>
              )
            })}
          </div>
        </div>
      )}
      <p className="muted" style={{ fontSize: 12 }}>
        {list.items.length} shown{list.done ? '' : '; more load as you scroll'}.
      </p>
    </section>
  )
}

function FilterBar({
  kind,
  states,
  filters,
  onChange
}: {
  kind: Kind
  states: readonly string[]
  filters: { state: string; jobType: string; since: string; until: string }
  onChange: (changes: Record<string, string>) => void
}) {
  const [jobType, setJobType] = useState(filters.jobType)
  function submit(e: FormEvent) {
    e.preventDefault()
    onChange({ jobType })
  }
  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      <label>
        State
        <select value={filters.state} onChange={(e) => onChange({ state: e.target.value })} data-testid="filter-state">
          <option value="">any</option>
          {states.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {kind === 'jobs' && (
        <label>
          Job type
          <input value={jobType} onChange={(e) => setJobType(e.target.value)} onBlur={() => onChange({ jobType })} placeholder="e.g. llm_call" />
        </label>
      )}
      <label>
        Since
        <input type="datetime-local" value={filters.since} onChange={(e) => onChange({ since: e.target.value })} />
      </label>
      <label>
        Until
        <input type="datetime-local" value={filters.until} onChange={(e) => onChange({ until: e.target.value })} />
      </label>
      <button type="button" onClick={() => onChange({ state: '', jobType: '', since: '', until: '' })}>
        Clear filters
      </button>
    </form>
  )
}

import { useEffect, useMemo, useState, type ComponentProps, type FormEvent } from 'react'
import type {
  ListedEntity,
  ListEntitiesInput,
  ListOrigin
} from '../../../../shared/console/domains/data'
import { STATE_MACHINES } from '../../../../shared/neurorail/state-machines'
import { DataTable } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { SelectField, TextField } from '../../components/Field'
import { ErrorNotice, Loading, StaleNotice } from '../../components/Notices'
import { formatCount } from '../../lib/format/format'
import {
  filterRows,
  LIST_KINDS,
  listViewQuery,
  nextSort,
  parseListView,
  sortRows,
  type ListKind,
  type ListView,
  type SortKey
} from '../../lib/nav/listView'
import { hrefFor, navigate, parseHash, traceHref, type Route } from '../../lib/nav/router'
import { useDataEpoch } from '../../lib/hooks/useAsync'
import { usePaged } from '../../lib/hooks/usePaged'
import { listColumns } from './listColumns'
import { listEntities } from './listEntities'
import { describeListOrigin } from './listOrigin'
import { SavedViews } from './SavedViews'

const ENTITY: Record<ListKind, 'mission' | 'job' | 'attempt'> = {
  missions: 'mission',
  jobs: 'job',
  attempts: 'attempt'
}

/**
 * A sort orders the whole list and the text filter searches it, so such a view keeps loading pages
 * (up to this many rows) rather than ordering or searching only the first page; the footer says
 * how many rows it covers.
 */
const SORT_LOAD_CAP = 10_000

/** Missions, jobs and attempts as sortable, filterable tables; the whole view lives in the URL. */
export function EntityLists({ route }: { route: Route }) {
  const view = parseListView(route.query)
  const { kind } = view
  const epoch = useDataEpoch()
  const key = `${kind}|${view.state}|${view.jobType}|${view.since}|${view.until}|${epoch}`
  // Where the rows come from, as the first page said (later pages come from the same place).
  const [origin, setOrigin] = useState<{ key: string; origin: ListOrigin } | null>(null)
  const list = usePaged<ListedEntity>(async (cursor) => {
    const input: ListEntitiesInput = { limit: 200, cursor }
    if (view.state) input.state = view.state as ListEntitiesInput['state']
    if (view.jobType && kind === 'jobs') input.jobType = view.jobType
    if (view.since) input.since = new Date(view.since).toISOString()
    if (view.until) input.until = new Date(view.until).toISOString()
    const page = await listEntities(kind, input)
    if (!cursor) setOrigin({ key, origin: page.origin })
    return page
  }, key)

  const { loadMore } = list
  const sorting = view.sort !== null
  const wantsAll = sorting || view.q !== ''
  useEffect(() => {
    if (wantsAll && !list.done && !list.loading && !list.error && list.items.length < SORT_LOAD_CAP)
      loadMore()
  }, [wantsAll, list.done, list.loading, list.error, list.items.length, loadMore])

  const rows = useMemo(
    () => sortRows(filterRows(list.items, view.q), view.sort, view.dir),
    [list.items, view.q, view.sort, view.dir]
  )

  // Changes build on the view the address holds now, not on the last render's: two quick ones (a
  // double Enter on a header flips the direction twice) would otherwise both start from the same view.
  function currentView(): ListView {
    return parseListView(parseHash(window.location.hash).query)
  }
  function setView(changes: Partial<ListView>) {
    navigate(hrefFor('traces', [], listViewQuery({ ...currentView(), ...changes })))
  }
  const filtered = Boolean(view.state || view.jobType || view.since || view.until || view.q)

  const states = STATE_MACHINES[ENTITY[kind]].states as readonly string[]
  return (
    <section aria-label="Lists">
      <nav className="tabs" aria-label="Entity kind">
        {LIST_KINDS.map((k) => (
          <a
            key={k}
            href={hrefFor('traces', [], { kind: k })}
            aria-current={k === kind ? 'page' : undefined}
          >
            {titleOf(k)}
          </a>
        ))}
      </nav>
      <FilterBar
        key={`${kind}:${view.jobType}:${view.q}`}
        view={view}
        states={states}
        onChange={setView}
      />
      <SavedViews hash={hrefFor('traces', [], listViewQuery(view))} />
      {origin?.key === key && (
        <p className="muted" data-testid="list-origin" data-origin={origin.origin.kind}>
          {describeListOrigin(origin.origin, kind)}
        </p>
      )}
      <StaleNotice stale={list.stale} />
      {list.error && <ErrorNotice message={list.error} onRetry={list.reload} />}
      {list.loading && list.items.length === 0 && !list.error && <Loading what={kind} />}
      {!list.loading && !list.error && rows.length === 0 ? (
        <EmptyState title={`No ${kind} match`}>
          {filtered
            ? 'Nothing matches these filters. Clear them to see everything.'
            : `${titleOf(kind)} appear here, newest first, once agents report work to this environment.`}
        </EmptyState>
      ) : (
        <DataTable<ListedEntity>
          label={titleOf(kind)}
          testId="entity-list"
          rows={rows}
          rowKey={(r) => r.entityId}
          columns={listColumns(kind)}
          sort={{ key: view.sort, dir: view.dir }}
          onSort={(k) => setView(nextSort(currentView(), k as SortKey))}
          onOpen={(r) => navigate(traceHref(r.entityId))}
          onEscape={() =>
            filtered && setView({ state: '', jobType: '', since: '', until: '', q: '' })
          }
          onNearEnd={wantsAll ? undefined : loadMore}
          pageKeys
        />
      )}
      <p className="muted" style={{ fontSize: 12 }} data-testid="list-footer">
        {formatCount(rows.length)} shown
        {view.q ? ` of ${formatCount(list.items.length)} loaded` : ''}
        {wantsAll && !list.done
          ? `; covers the first ${formatCount(list.items.length)} (loading more, up to ${formatCount(SORT_LOAD_CAP)})`
          : ''}
        {!wantsAll && !list.done ? '; more load as you scroll' : ''}. J/K move, Enter opens, Esc
        clears.
      </p>
    </section>
  )
}

function FilterBar({
  view,
  states,
  onChange
}: {
  view: ListView
  states: readonly string[]
  onChange: (changes: Partial<ListView>) => void
}) {
  return (
    <form className="filters" onSubmit={(e: FormEvent) => e.preventDefault()} aria-label="Filters">
      <DraftFilter
        label="Find"
        type="search"
        value={view.q}
        onApply={(q) => onChange({ q })}
        placeholder="id, state, type, tag"
        data-testid="filter-text"
      />
      <SelectField
        label="State"
        value={view.state}
        options={states}
        any
        onChange={(state) => onChange({ state })}
        data-testid="filter-state"
      />
      {view.kind === 'jobs' && (
        <DraftFilter
          label="Job type"
          value={view.jobType}
          onApply={(jobType) => onChange({ jobType })}
          placeholder="e.g. llm_call"
        />
      )}
      <TextField
        label="Since"
        type="datetime-local"
        value={view.since}
        onChange={(since) => onChange({ since })}
      />
      <TextField
        label="Until"
        type="datetime-local"
        value={view.until}
        onChange={(until) => onChange({ until })}
      />
      <button type="submit">Apply</button>
      <button
        type="button"
        onClick={() => onChange({ state: '', jobType: '', since: '', until: '', q: '' })}
      >
        Clear filters
      </button>
    </form>
  )
}

/**
 * A text filter typed as a draft and applied on Enter or when focus leaves it (the Apply button
 * takes focus, so it applies too), not on every key: each change reloads the list.
 */
function DraftFilter({
  value,
  onApply,
  ...field
}: Omit<ComponentProps<typeof TextField>, 'value' | 'onChange'> & {
  value: string
  onApply: (value: string) => void
}) {
  const [draft, setDraft] = useState(value)
  const apply = () => {
    if (draft !== value) onApply(draft)
  }
  return (
    <TextField
      {...field}
      value={draft}
      onChange={setDraft}
      onBlur={apply}
      onKeyDown={(e) => {
        if (e.key !== 'Enter') return
        e.preventDefault()
        apply()
      }}
      maxLength={200}
    />
  )
}

/** A list kind as a title: "jobs" → "Jobs". */
function titleOf(kind: ListKind): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1)
}

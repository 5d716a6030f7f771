import type { ListedEntity } from '../../../../shared/console/domains/data'
import type { Column } from '../../components/DataTable'
import { StateBadge } from '../../components/StateBadge'
import { formatCount, formatDuration, formatTime } from '../../lib/format/format'
import { genAiLine } from '../../lib/traces/genai'
import { jobTypeOf, startedOf, type ListKind } from '../../lib/nav/listView'
import { traceHref } from '../../lib/nav/router'

type C = Column<ListedEntity>

const id: C = {
  id: 'id',
  header: 'ID',
  width: 130,
  sortKey: 'id',
  cell: (r) => (
    <a className="mono" href={traceHref(r.entityId)} tabIndex={-1}>
      {r.entityId}
    </a>
  )
}
const state: C = {
  id: 'state',
  header: 'State',
  width: 160,
  sortKey: 'state',
  cell: (r) => <StateBadge state={r.state} />
}
const started: C = {
  id: 'started',
  header: 'Started',
  width: 120,
  sortKey: 'created',
  cell: (r) => <span className="muted">{formatTime(startedOf(r))}</span>
}

/** A right-aligned figure of the row's roll-up ("–" when nothing is known about its subtree). */
function figure(
  key: 'jobs' | 'attempts' | 'retries' | 'errors' | 'tokens',
  header: string,
  width = 70
): C {
  return {
    id: key,
    header,
    width,
    align: 'right',
    sortKey: key,
    cell: (r) => formatCount(r.rollup ? r.rollup[key] : null)
  }
}
const duration: C = {
  id: 'duration',
  header: 'Duration',
  width: 90,
  align: 'right',
  sortKey: 'duration',
  cell: (r) => formatDuration(r.rollup?.durationMs)
}
// Credits are often fractions of a cent: four decimals keep 0.006 from reading as 0.01.
const CREDITS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 })
const cost: C = {
  id: 'cost',
  header: 'Cost',
  width: 80,
  align: 'right',
  sortKey: 'cost',
  cell: (r) => (r.rollup ? CREDITS.format(r.rollup.cost) : '–')
}
const errors: C = {
  ...figure('errors', 'Errors', 70),
  cell: (r) =>
    r.rollup && r.rollup.errors > 0 ? (
      <span className="badge tone-bad">{formatCount(r.rollup.errors)}</span>
    ) : (
      formatCount(r.rollup?.errors)
    )
}
// Model, provider, tool and tokens beside the type, for native and OTel-ingested runs alike.
const jobType: C = {
  id: 'type',
  header: 'Job type',
  width: 130,
  sortKey: 'type',
  cell: (r) => {
    const genAi = genAiLine(r.record)
    return genAi ? `${jobTypeOf(r)} · ${genAi}` : jobTypeOf(r)
  }
}

function tagsOf(r: ListedEntity): string {
  const tags = (r.record as { tags?: unknown }).tags
  return tags && typeof tags === 'object'
    ? Object.entries(tags)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')
    : ''
}
const tags: C = {
  id: 'tags',
  header: 'Tags',
  width: 160,
  cell: (r) => <span className="muted">{tagsOf(r)}</span>
}
const attemptOf: C = {
  id: 'of',
  header: 'Attempt',
  width: 200,
  cell: (r) => {
    const rec = r.record as { attempt_number?: number; job_id?: string }
    return (
      <span>
        #{rec.attempt_number ?? '?'} of{' '}
        <a className="mono" href={traceHref(rec.job_id ?? '')} tabIndex={-1}>
          {rec.job_id}
        </a>
      </span>
    )
  }
}

/** The columns of each list: what an operator compares across rows. */
export function listColumns(kind: ListKind): C[] {
  if (kind === 'jobs')
    return [
      id,
      state,
      jobType,
      started,
      duration,
      figure('attempts', 'Attempts', 80),
      figure('retries', 'Retries'),
      errors,
      figure('tokens', 'Tokens', 80),
      cost
    ]
  if (kind === 'attempts')
    return [id, state, attemptOf, started, duration, errors, figure('tokens', 'Tokens', 80), cost]
  return [
    id,
    state,
    started,
    duration,
    figure('jobs', 'Jobs', 60),
    figure('attempts', 'Attempts', 80),
    figure('retries', 'Retries'),
    errors,
    figure('tokens', 'Tokens', 80),
    cost,
    tags
  ]
}

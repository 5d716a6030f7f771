import type { ListedEntity } from '../../../../shared/console/domains/data'

/** The three lists of the Traces page. */
export const LIST_KINDS = ['missions', 'jobs', 'attempts'] as const
export type ListKind = (typeof LIST_KINDS)[number]

/** Columns a list can be sorted by (the `sort` query value). */
export const SORT_KEYS = [
  'id',
  'state',
  'type',
  'created',
  'duration',
  'jobs',
  'attempts',
  'retries',
  'tokens',
  'cost',
  'errors'
] as const
export type SortKey = (typeof SORT_KEYS)[number]
export type SortDir = 'asc' | 'desc'

/**
 * Everything that makes one view of a list: which list, the backend filters (state, job type,
 * time range), a text filter over the loaded rows, and the sort. It lives in the hash query so a
 * view is a link (`#/traces?kind=jobs&sort=cost&dir=desc`, or `controldeck://traces?…`).
 */
export interface ListView {
  kind: ListKind
  state: string
  jobType: string
  since: string
  until: string
  /** Text filter over id, job type, state and tags of the loaded rows. */
  q: string
  sort: SortKey | null
  dir: SortDir
}

const MAX_TEXT = 200

/** Reads a view from a route's query; anything unknown or malformed falls back to the default. */
export function parseListView(query: URLSearchParams): ListView {
  const kind = (LIST_KINDS as readonly string[]).includes(query.get('kind') ?? '')
    ? (query.get('kind') as ListKind)
    : 'missions'
  const sortRaw = query.get('sort') ?? ''
  const sort = (SORT_KEYS as readonly string[]).includes(sortRaw) ? (sortRaw as SortKey) : null
  const text = (k: string) => (query.get(k) ?? '').slice(0, MAX_TEXT)
  // A bound the page cannot turn into a time is dropped here, not thrown at the list request.
  const time = (k: string) => {
    const v = text(k)
    return Number.isNaN(new Date(v).getTime()) ? '' : v
  }
  return {
    kind,
    state: text('state'),
    jobType: text('jobType'),
    since: time('since'),
    until: time('until'),
    q: text('q'),
    sort,
    dir: query.get('dir') === 'asc' ? 'asc' : 'desc'
  }
}

/** The query of a view: only what differs from the default, so links stay short. */
export function listViewQuery(view: ListView): Record<string, string> {
  const out: Record<string, string> = { kind: view.kind }
  for (const k of ['state', 'jobType', 'since', 'until', 'q'] as const)
    if (view[k]) out[k] = view[k]
  if (view.sort) {
    out.sort = view.sort
    out.dir = view.dir
  }
  return out
}

/** Header click: a new column sorts descending (biggest first), the same column flips. */
export function nextSort(view: ListView, key: SortKey): Pick<ListView, 'sort' | 'dir'> {
  if (view.sort !== key)
    return { sort: key, dir: key === 'id' || key === 'state' || key === 'type' ? 'asc' : 'desc' }
  return { sort: key, dir: view.dir === 'desc' ? 'asc' : 'desc' }
}

function record(item: ListedEntity): Record<string, unknown> {
  return item.record as Record<string, unknown>
}

/** The job type of a job row (attempts and missions have none). */
export function jobTypeOf(item: ListedEntity): string {
  const t = record(item).job_type
  return typeof t === 'string' ? t : ''
}

/** When the row's work started (its roll-up's first start), else when it was created. */
export function startedOf(item: ListedEntity): string | null {
  const c = record(item).created_at
  return item.rollup?.startedAt ?? (typeof c === 'string' ? c : null)
}

/** A row's value for a sort column: numbers and strings compare; null sorts last either way. */
export function sortValue(item: ListedEntity, key: SortKey): number | string | null {
  const r = item.rollup
  switch (key) {
    case 'id':
      return item.entityId
    case 'state':
      return item.state
    case 'type':
      return jobTypeOf(item) || null
    case 'created':
      return startedOf(item)
    case 'duration':
      return r?.durationMs ?? null
    default:
      return r ? r[key] : null
  }
}

/**
 * Rows sorted by one column (stable: ties keep the list's newest-first order; null sorts last
 * either way). Each value is read once; numeric columns (cost, tokens, counts, duration) sort an
 * index array over a Float64Array with a branch-free comparator, so 100,000 rows sort well within
 * a frame budget's multiple (bench:ui prints the figure).
 */
export function sortRows(
  items: readonly ListedEntity[],
  sort: SortKey | null,
  dir: SortDir
): ListedEntity[] {
  if (!sort) return items.slice()
  const n = items.length
  const values = new Array<number | string | null>(n)
  let numeric = true
  for (let i = 0; i < n; i++) {
    const v = sortValue(items[i]!, sort)
    values[i] = v
    if (v !== null && typeof v !== 'number') numeric = false
  }
  const present: number[] = []
  const missing: number[] = []
  for (let i = 0; i < n; i++) (values[i] === null ? missing : present).push(i)
  const sign = dir === 'asc' ? 1 : -1
  if (numeric) {
    const v = new Float64Array(n)
    for (const i of present) v[i] = (values[i] as number) * sign
    present.sort((a, b) => v[a]! - v[b]! || a - b)
  } else {
    present.sort((a, b) => {
      const x = values[a]!
      const y = values[b]!
      return x === y ? a - b : (x < y ? -1 : 1) * sign
    })
  }
  const out = new Array<ListedEntity>(n)
  let k = 0
  for (const i of present) out[k++] = items[i]!
  for (const i of missing) out[k++] = items[i]!
  return out
}

/** Rows whose id, state, job type or tags contain every word of `q` (case-insensitive). */
export function filterRows(items: readonly ListedEntity[], q: string): ListedEntity[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return items.slice()
  return items.filter((item) => {
    const tags = record(item).tags
    const hay = [
      item.entityId,
      item.state ?? '',
      jobTypeOf(item),
      tags && typeof tags === 'object'
        ? Object.entries(tags)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' ')
        : ''
    ]
      .join(' ')
      .toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

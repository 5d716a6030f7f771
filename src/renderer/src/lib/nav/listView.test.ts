import { describe, expect, it } from 'vitest'
import type { ListedEntity } from '../../../../shared/console/domains/data'
import { emptyRollup } from '../../../../shared/neurorail/rollup'
import { filterRows, listViewQuery, nextSort, parseListView, sortRows } from './listView'
import { hrefFor, parseHash } from './router'
import {
  deleteView,
  loadViews,
  MAX_VIEWS,
  SAVED_VIEWS_KEY,
  saveView,
  type ViewStorage
} from './savedViews'

function job(
  id: string,
  jobType: string,
  cost: number | null,
  created: string,
  state = 'running'
): ListedEntity {
  return {
    entityType: 'job',
    entityId: id,
    state: state as ListedEntity['state'],
    record: {
      job_id: id,
      plan_id: 'p_000000000001',
      job_type: jobType,
      dependencies: [],
      metadata: {},
      created_at: created
    },
    rollup: cost === null ? null : { ...emptyRollup(), cost, tokens: cost * 1000 }
  } as ListedEntity
}

const rows = [
  job('j_000000000001', 'llm_call', 0.5, '2026-01-01T00:00:03Z'),
  job('j_000000000002', 'tool_execution', null, '2026-01-01T00:00:02Z', 'succeeded'),
  job('j_000000000003', 'llm_call', 2, '2026-01-01T00:00:01Z'),
  job('j_000000000004', 'llm_call', 0.5, '2026-01-01T00:00:00Z')
]

describe('list view URL state', () => {
  it('round-trips through the hash query and drops what is unknown', () => {
    const view = parseListView(
      new URLSearchParams('kind=jobs&state=running&q=llm&sort=cost&dir=asc&jobType=llm_call')
    )
    expect(view).toEqual({
      kind: 'jobs',
      state: 'running',
      jobType: 'llm_call',
      since: '',
      until: '',
      q: 'llm',
      sort: 'cost',
      dir: 'asc'
    })
    const again = parseHash(hrefFor('traces', [], listViewQuery(view)))
    expect(parseListView(again.query)).toEqual(view)
    expect(parseListView(new URLSearchParams('kind=bogus&sort=__proto__&dir=up'))).toMatchObject({
      kind: 'missions',
      sort: null,
      dir: 'desc'
    })
    expect(parseListView(new URLSearchParams(`q=${'x'.repeat(5000)}`)).q).toHaveLength(200)
    expect(
      parseListView(new URLSearchParams('since=garbage&until=2026-01-02T03:04'))
    ).toMatchObject({ since: '', until: '2026-01-02T03:04' })
  })

  it('sorts a new column biggest first and flips the same column', () => {
    const view = parseListView(new URLSearchParams('kind=jobs'))
    expect(nextSort(view, 'cost')).toEqual({ sort: 'cost', dir: 'desc' })
    expect(nextSort({ ...view, sort: 'cost', dir: 'desc' }, 'cost')).toEqual({
      sort: 'cost',
      dir: 'asc'
    })
    expect(nextSort(view, 'id')).toEqual({ sort: 'id', dir: 'asc' })
  })
})

describe('sortRows / filterRows', () => {
  it('sorts by roll-up figures with unknown values last and ties in list order', () => {
    const ids = (xs: ListedEntity[]) => xs.map((x) => x.entityId.slice(-1))
    expect(ids(sortRows(rows, 'cost', 'desc'))).toEqual(['3', '1', '4', '2'])
    expect(ids(sortRows(rows, 'cost', 'asc'))).toEqual(['1', '4', '3', '2'])
    expect(ids(sortRows(rows, 'created', 'asc'))).toEqual(['4', '3', '2', '1'])
    expect(ids(sortRows(rows, 'type', 'desc'))).toEqual(['2', '1', '3', '4'])
    expect(ids(sortRows(rows, null, 'desc'))).toEqual(['1', '2', '3', '4'])
  })

  it('keeps rows that contain every word in id, state, job type or tags', () => {
    expect(filterRows(rows, 'LLM').map((r) => r.entityId)).toHaveLength(3)
    expect(filterRows(rows, 'tool succeeded').map((r) => r.entityId)).toEqual(['j_000000000002'])
    expect(filterRows(rows, '  ')).toHaveLength(4)
  })
})

describe('saved views', () => {
  function memory(): ViewStorage & { data: Map<string, string> } {
    const data = new Map<string, string>()
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) }
  }

  it('saves, replaces by name, lists by name and deletes', () => {
    const s = memory()
    expect(saveView('Costly jobs', '#/traces?kind=jobs&sort=cost', s)).toHaveLength(1)
    saveView('All', '#/traces', s)
    const replaced = saveView('Costly jobs', '#/traces?kind=jobs&sort=cost&dir=asc', s)
    expect(replaced).toEqual([
      { name: 'All', hash: '#/traces' },
      { name: 'Costly jobs', hash: '#/traces?kind=jobs&sort=cost&dir=asc' }
    ])
    expect(deleteView('All', s)).toEqual([
      { name: 'Costly jobs', hash: '#/traces?kind=jobs&sort=cost&dir=asc' }
    ])
  })

  it('refuses bad input with a sentence and survives a tampered store', () => {
    const s = memory()
    expect(saveView('  ', '#/traces', s)).toMatch(/name/)
    expect(saveView('x'.repeat(81), '#/traces', s)).toMatch(/at most 80/)
    expect(saveView('Audit', '#/audit', s)).toMatch(/Traces/)
    s.data.set(SAVED_VIEWS_KEY, '{not json')
    expect(loadViews(s)).toEqual([])
    s.data.set(
      SAVED_VIEWS_KEY,
      JSON.stringify([
        { name: 'ok', hash: '#/traces' },
        { name: 1 },
        { name: 'evil', hash: 'javascript:1' }
      ])
    )
    expect(loadViews(s)).toEqual([{ name: 'ok', hash: '#/traces' }])
    for (let i = 0; i < MAX_VIEWS; i++) saveView(`v${i}`, '#/traces', s)
    expect(saveView('one more', '#/traces', s)).toMatch(/At most 50/)
  })

  it('says so instead of throwing when the store refuses to write (full or disabled)', () => {
    const full: ViewStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError')
      }
    }
    expect(saveView('All', '#/traces', full)).toMatch(/could not be saved/)
  })
})

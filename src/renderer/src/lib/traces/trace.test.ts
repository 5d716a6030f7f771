import { describe, expect, it } from 'vitest'
import type { TraceNode } from '../../../../shared/console/domains/data'
import { countNodes, expandableIds, flattenTree, type LoadedChildren } from './traceTree'
import { fraction, retryCount, scaleOf, segmentsOf } from './waterfall'

function node(
  id: string,
  children: TraceNode[] = [],
  childCount: number | null = children.length,
  nextCursor: string | null = null
): TraceNode {
  const type = id.startsWith('m_')
    ? 'mission'
    : id.startsWith('p_')
      ? 'plan'
      : id.startsWith('j_')
        ? 'job'
        : 'attempt'
  return {
    entityType: type,
    entityId: id,
    record: {
      mission_id: id,
      created_at: '2026-01-01T00:00:00Z',
      parent_mission_id: null,
      tags: {}
    },
    state: null,
    children,
    childCount,
    nextCursor
  }
}

describe('flattenTree', () => {
  const job = node('j_1', [node('a_1'), node('a_2')], 5, 'cursor-2')
  const root = node('m_1', [node('p_1', [job])])

  it('lists expanded nodes depth first with a more-row for unloaded children', () => {
    const rows = flattenTree(root, new Set(['m_1', 'p_1', 'j_1']), new Map())
    expect(
      rows.map((r) => (r.kind === 'node' ? r.node.entityId : `more:${r.loaded}/${r.total}`))
    ).toEqual(['m_1', 'p_1', 'j_1', 'a_1', 'a_2', 'more:2/5'])
    expect(rows[3]).toMatchObject({ depth: 3, parentId: 'j_1' })
  })

  it('hides children of collapsed nodes', () => {
    const rows = flattenTree(root, new Set(['m_1']), new Map())
    expect(rows).toHaveLength(2)
    expect(rows[1]).toMatchObject({ kind: 'node', expandable: true, expanded: false })
  })

  it('uses pages loaded later and drops the more-row when complete', () => {
    const loaded = new Map<string, LoadedChildren>([
      [
        'j_1',
        {
          items: ['a_1', 'a_2', 'a_3', 'a_4', 'a_5'].map((id) => node(id)),
          nextCursor: null,
          total: 5
        }
      ]
    ])
    const rows = flattenTree(root, new Set(['m_1', 'p_1', 'j_1']), loaded)
    expect(rows).toHaveLength(8)
    expect(rows.every((r) => r.kind === 'node')).toBe(true)
    expect(countNodes(root, loaded)).toBe(8)
  })

  it('offers more for a deep node whose count is unknown and that carries its own cursor', () => {
    // The services send a node below a cut level with childCount null and its own cursor.
    const full = node(
      'j_full',
      Array.from({ length: 200 }, (_, i) => node(`a_${i}`)),
      null,
      'k:200'
    )
    const rows = flattenTree(node('m_x', [full]), new Set(['m_x', 'j_full']), new Map())
    expect(rows.at(-1)).toMatchObject({ kind: 'more', loaded: 200, total: null })
    const small = node('j_small', [node('a_1')])
    expect(flattenTree(small, new Set(['j_small']), new Map()).some((r) => r.kind === 'more')).toBe(
      false
    )
  })

  it('flattens 100,000 children without recursion', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => node(`a_${i}`))
    const big = node('j_big', many)
    const rows = flattenTree(big, new Set(expandableIds(big)), new Map())
    expect(rows).toHaveLength(100_001)
  })
})

describe('waterfall', () => {
  const terminal = (s: string) =>
    ['succeeded', 'failed_ethical', 'cancelled', 'timeout'].includes(s)
  const history = [
    { to_state: 'pending', timestamp: '2026-01-01T00:00:00Z' },
    { to_state: 'running', timestamp: '2026-01-01T00:00:01Z' },
    { to_state: 'failed_mechanical', timestamp: '2026-01-01T00:00:03Z' },
    { to_state: 'running', timestamp: '2026-01-01T00:00:04Z' },
    { to_state: 'succeeded', timestamp: '2026-01-01T00:00:06Z' }
  ]

  it('makes one segment per state and closes terminal ones', () => {
    const segs = segmentsOf(history, terminal, Date.parse('2026-01-01T01:00:00Z'))
    expect(segs.map((s) => s.state)).toEqual([
      'pending',
      'running',
      'failed_mechanical',
      'running',
      'succeeded'
    ])
    const [, second] = segs
    expect(second && second.end - second.start).toBe(2000)
    expect(segs[4]).toMatchObject({ open: false })
    expect(retryCount(history)).toBe(1)
  })

  it('runs an open state up to now', () => {
    const now = Date.parse('2026-01-01T00:00:10Z')
    const segs = segmentsOf(history.slice(0, 2), terminal, now)
    expect(segs[1]).toMatchObject({ open: true, end: now })
  })

  it('scales time to fractions', () => {
    const s = scaleOf([1000, 3000, 2000], 0, 5000)
    expect(s).toEqual({ start: 1000, end: 3000 })
    expect(fraction(s, 2000)).toBe(0.5)
    expect(fraction(s, 9000)).toBe(1)
  })
})

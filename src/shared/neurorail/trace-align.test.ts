import { describe, expect, it } from 'vitest'
import {
  ALIGN_LCS_MAX_CELLS,
  alignTraces,
  compareEntries,
  type AlignNode,
  type CompareEntry
} from './trace-align'

let clock = 0
function at(): string {
  clock += 1000
  return new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + clock).toISOString()
}

function job(id: string, type: string, state: string, attempts = 1): AlignNode {
  const children = Array.from({ length: attempts }, (_, n) => ({
    entityType: 'attempt',
    entityId: `${id}-a${n}`,
    record: { created_at: at() },
    state: 'succeeded',
    children: []
  }))
  return {
    entityType: 'job',
    entityId: id,
    record: { created_at: at(), job_type: type },
    state,
    children
  }
}

function mission(id: string, jobs: AlignNode[]): AlignNode {
  return {
    entityType: 'mission',
    entityId: id,
    record: { created_at: at() },
    state: 'completed',
    children: [
      {
        entityType: 'plan',
        entityId: `${id}-p`,
        record: { created_at: at(), plan_type: 'sequential' },
        state: null,
        children: jobs
      }
    ]
  }
}

describe('alignTraces', () => {
  it('matches two alike missions row by row with no divergence', () => {
    const left = compareEntries(
      mission('m1', [job('j1', 'fetch', 'succeeded'), job('j2', 'summarize', 'succeeded')])
    )
    const right = compareEntries(
      mission('m2', [job('k1', 'fetch', 'succeeded'), job('k2', 'summarize', 'succeeded')])
    )
    const result = alignTraces(left, right)
    expect(result.rows.map((r) => r.status)).toEqual(['same', 'same', 'same'])
    expect(result.firstDivergence).toBeNull()
    expect(result.approximate).toBe(false)
  })

  it('shows work that ran in one mission only and marks the first divergence', () => {
    const left = compareEntries(
      mission('m1', [
        job('j1', 'fetch', 'succeeded'),
        job('j2', 'review', 'succeeded'),
        job('j3', 'summarize', 'succeeded')
      ])
    )
    const right = compareEntries(
      mission('m2', [
        job('k1', 'fetch', 'succeeded'),
        job('k3', 'summarize', 'succeeded'),
        job('k4', 'publish', 'succeeded')
      ])
    )
    const result = alignTraces(left, right)
    expect(result.rows.map((r) => [r.key, r.status])).toEqual([
      ['plan:sequential', 'same'],
      ['job:fetch', 'same'],
      ['job:review', 'left_only'],
      ['job:summarize', 'same'],
      ['job:publish', 'right_only']
    ])
    expect(result.firstDivergence).toBe(2)
    expect(result.counts).toEqual({ same: 3, changed: 0, left_only: 1, right_only: 1 })
  })

  it('reports state and attempt differences and the figures as right minus left', () => {
    const figures = new Map([
      ['j1', { durationMs: 1000, tokens: 500, cost: 0.5 }],
      ['k1', { durationMs: 4000, tokens: 1500, cost: 1.25 }]
    ])
    const left = compareEntries(mission('m1', [job('j1', 'fetch', 'succeeded', 1)]), figures)
    const right = compareEntries(
      mission('m2', [job('k1', 'fetch', 'failed_mechanical', 3)]),
      figures
    )
    const result = alignTraces(left, right)
    const row = result.rows[1]!
    expect(row.status).toBe('changed')
    expect(row.differences).toEqual(['state', 'attempts'])
    expect(row.durationDeltaMs).toBe(3000)
    expect(row.tokensDelta).toBe(1000)
    expect(row.costDelta).toBeCloseTo(0.75)
    expect(result.firstDivergence).toBe(1)
    expect(result.totals).toEqual({
      left: { tokens: 500, cost: 0.5 },
      right: { tokens: 1500, cost: 1.25 }
    })
  })

  it('counts the whole figure of work that ran on one side only', () => {
    const figures = new Map([
      ['j2', { durationMs: 100, tokens: 300, cost: 0.3 }],
      ['k2', { durationMs: 50, tokens: 40, cost: null }]
    ])
    const left = compareEntries(mission('m1', [job('j2', 'review', 'succeeded')]), figures)
    const right = compareEntries(mission('m2', [job('k2', 'publish', 'succeeded')]), figures)
    const rows = alignTraces(left, right).rows
    expect(rows[1]).toMatchObject({ status: 'left_only', tokensDelta: -300, durationDeltaMs: -100 })
    expect(rows[2]).toMatchObject({ status: 'right_only', tokensDelta: 40, costDelta: null })
  })

  it('leaves a delta null when one side does not know the figure', () => {
    const left = compareEntries(
      mission('m1', [job('j1', 'fetch', 'succeeded')]),
      new Map([['j1', { durationMs: 5, tokens: null, cost: null }]])
    )
    const right = compareEntries(mission('m2', [job('k1', 'fetch', 'succeeded')]))
    const row = alignTraces(left, right).rows[1]!
    expect(row.durationDeltaMs).toBeNull()
    expect(row.tokensDelta).toBeNull()
  })

  it('orders jobs by creation, not by the order the tree lists them', () => {
    const first = job('j1', 'fetch', 'succeeded')
    const second = job('j2', 'summarize', 'succeeded')
    const entries = compareEntries(mission('m1', [second, first]))
    expect(entries.map((e) => e.type)).toEqual(['sequential', 'fetch', 'summarize'])
  })

  it('pairs by occurrence when the traces are too large for the full diff', () => {
    const size = Math.ceil(Math.sqrt(ALIGN_LCS_MAX_CELLS)) + 1
    const many = (prefix: string): CompareEntry[] =>
      Array.from({ length: size }, (_, n) => ({
        id: `${prefix}${n}`,
        kind: 'job' as const,
        type: n % 2 ? 'a' : 'b',
        key: n % 2 ? 'job:a' : 'job:b',
        state: 'succeeded',
        attempts: 1,
        durationMs: null,
        tokens: null,
        cost: null
      }))
    const right = many('r')
    right.push({ ...right[0]!, id: 'extra', key: 'job:c', type: 'c' })
    const result = alignTraces(many('l'), right)
    expect(result.approximate).toBe(true)
    expect(result.counts.same).toBe(size)
    expect(result.counts.right_only).toBe(1)
    expect(result.firstDivergence).toBe(size)
  })
})

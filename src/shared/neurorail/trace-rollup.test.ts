import { describe, expect, it } from 'vitest'
import { ownFiguresOf, rollup, type OwnFigures, type RollupEntity } from './trace-rollup'

const own = (o: Partial<OwnFigures>): OwnFigures => ({ ...ownFiguresOf(null), ...o })

describe('rollup', () => {
  const tree: RollupEntity[] = [
    { id: 'm', parentId: null, type: 'mission' },
    { id: 'p', parentId: 'm', type: 'plan' },
    { id: 'j1', parentId: 'p', type: 'job' },
    { id: 'a1', parentId: 'j1', type: 'attempt' },
    { id: 'a2', parentId: 'j1', type: 'attempt' },
    { id: 'j2', parentId: 'p', type: 'job' }
  ]

  it('sums tokens, cost, attempts, retries and violations up the tree and spans the wall clock', () => {
    const figures = new Map([
      ['m', own({ startedMs: 1000, endedMs: 9000 })],
      ['j1', own({ tokens: 200, retries: 1, violations: 1, startedMs: 2000, endedMs: 5000 })],
      ['a1', own({ tokens: 700, cost: 0.5, startedMs: 2000, endedMs: 3000 })],
      ['a2', own({ tokens: 300, cost: 0.25, startedMs: 3500, endedMs: 5000 })],
      ['j2', own({ tokens: 300, attempts: 0, startedMs: 4000, endedMs: 9500 })]
    ])
    const r = rollup(tree, figures)
    expect(r.get('m')).toEqual({ tokens: 1500, cost: 0.75, attempts: 2, retries: 1, violations: 1, startedMs: 1000, endedMs: 9500, durationMs: 8500 })
    expect(r.get('j1')).toMatchObject({ tokens: 1200, attempts: 2, durationMs: 3000 })
    expect(r.get('p')).toMatchObject({ tokens: 1500, startedMs: 2000, endedMs: 9500 })
  })

  it('has no end or duration while something below still runs', () => {
    const r = rollup(tree, new Map([['m', own({ startedMs: 1, endedMs: 5 })], ['a2', own({ startedMs: 2 })]]))
    expect(r.get('m')).toMatchObject({ startedMs: 1, endedMs: null, durationMs: null })
  })

  it('trusts figures that already include descendants (no double counting)', () => {
    const figures = new Map([
      ['m', own({ tokens: 1500, attempts: 2, includesDescendants: true })],
      ['j1', own({ tokens: 1200, includesDescendants: true })],
      ['a1', own({ tokens: 1000 })]
    ])
    const r = rollup(tree, figures)
    expect(r.get('m')!.tokens).toBe(1500)
    expect(r.get('j1')!.tokens).toBe(1200)
    expect(r.get('m')!.attempts).toBe(2)
  })

  it('reads metrics, and handles 200,000 attempts without recursion', () => {
    expect(ownFiguresOf({ entity_id: 'j', entity_type: 'job', started_at: '2026-01-01T00:00:00.000Z', completed_at: null, duration_ms: null, llm_tokens_consumed: 5, cpu_time_ms: null, memory_peak_mb: null, attempt_count: 2, retry_count: 1, success: null, error_type: null, error_category: null, cost_credits: 1, violation_count: 3, includes_descendants: true })).toEqual({ tokens: 5, cost: 1, attempts: 2, retries: 1, violations: 3, startedMs: Date.parse('2026-01-01T00:00:00.000Z'), endedMs: null, includesDescendants: true })
    const big: RollupEntity[] = [{ id: 'j', parentId: null, type: 'job' }]
    const figures = new Map<string, OwnFigures>()
    for (let i = 0; i < 200_000; i++) {
      big.push({ id: `a${i}`, parentId: 'j', type: 'attempt' })
      if (i % 1000 === 0) figures.set(`a${i}`, own({ tokens: 1 }))
    }
    const r = rollup(big, figures)
    expect(r.get('j')).toMatchObject({ tokens: 200, attempts: 200_000 })
  })
})

import { describe, expect, it } from 'vitest'
import { rollUp, type RollupEntity, type RollupMetrics } from './rollup'

const tree: RollupEntity[] = [
  { entityId: 'm_000000000001', entityType: 'mission', parentId: null },
  { entityId: 'p_000000000001', entityType: 'plan', parentId: 'm_000000000001' },
  { entityId: 'j_000000000001', entityType: 'job', parentId: 'p_000000000001' },
  { entityId: 'j_000000000002', entityType: 'job', parentId: 'p_000000000001' },
  { entityId: 'a_000000000001', entityType: 'attempt', parentId: 'j_000000000001' },
  { entityId: 'a_000000000002', entityType: 'attempt', parentId: 'j_000000000001' },
  { entityId: 'a_000000000003', entityType: 'attempt', parentId: 'j_000000000002' }
]

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

describe('rollUp', () => {
  it('sums tokens, cost, counts, retries and errors of every descendant', () => {
    const metrics: RollupMetrics[] = [
      { entity_id: 'a_000000000001', llm_tokens_consumed: 500, cost_credits: 0.5, success: false, started_at: t(1), completed_at: t(3) },
      { entity_id: 'a_000000000002', llm_tokens_consumed: 700, cost_credits: 0.25, success: true, started_at: t(4), completed_at: t(9) },
      { entity_id: 'a_000000000003', llm_tokens_consumed: 300, cost_credits: 1, success: true, started_at: t(2), completed_at: t(5) },
      { entity_id: 'j_000000000001', retry_count: 1, started_at: t(1), completed_at: t(9), success: true }
    ]
    const r = rollUp(tree, metrics, new Map([['a_000000000003', 2]]))
    const m = r.get('m_000000000001')!
    expect(m).toMatchObject({ jobs: 2, attempts: 3, retries: 1, tokens: 1500, cost: 1.75, errors: 1, violations: 2 })
    // The mission has no metrics of its own: its span is the subtree's, all ended.
    expect(m.startedAt).toBe(t(1))
    expect(m.endedAt).toBe(t(9))
    expect(m.durationMs).toBe(8000)
    expect(r.get('j_000000000001')).toMatchObject({ jobs: 1, attempts: 2, tokens: 1200, retries: 1, durationMs: 8000 })
    expect(r.get('j_000000000002')).toMatchObject({ jobs: 1, attempts: 1, tokens: 300, violations: 2, durationMs: 3000 })
    expect(r.get('a_000000000002')).toMatchObject({ attempts: 1, jobs: 0, tokens: 700, durationMs: 5000 })
  })

  it('has no duration while something in the subtree still runs, and the own end wins', () => {
    const running = rollUp(tree, [
      { entity_id: 'a_000000000001', started_at: t(1), completed_at: t(2) },
      { entity_id: 'a_000000000003', started_at: t(2), completed_at: null }
    ])
    expect(running.get('m_000000000001')).toMatchObject({ startedAt: t(1), endedAt: null, durationMs: null })
    const ended = rollUp(tree, [
      { entity_id: 'm_000000000001', started_at: t(0), completed_at: t(4) },
      { entity_id: 'a_000000000003', started_at: t(2), completed_at: null }
    ])
    // A failed mission whose straggler never reported an end still ended when the mission did.
    expect(ended.get('m_000000000001')).toMatchObject({ startedAt: t(0), endedAt: t(4), durationMs: 4000 })
  })

  it('treats missing figures as zero, unknown parents as roots and survives a cycle', () => {
    const r = rollUp(
      [
        { entityId: 'j_00000000000a', entityType: 'job', parentId: 'p_0000000000ff' },
        { entityId: 'a_00000000000a', entityType: 'attempt', parentId: 'a_00000000000b' },
        { entityId: 'a_00000000000b', entityType: 'attempt', parentId: 'a_00000000000a' }
      ],
      [{ entity_id: 'j_00000000000a' }, { entity_id: 'zzz', llm_tokens_consumed: 5 }]
    )
    expect(r.get('j_00000000000a')).toMatchObject({ jobs: 1, tokens: 0, cost: 0, durationMs: null })
    expect(r.get('a_00000000000a')!.attempts).toBeGreaterThan(0)
    expect(r.has('zzz')).toBe(false)
  })
})

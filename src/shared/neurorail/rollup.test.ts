import { describe, expect, it } from 'vitest'
import { formatCost, formatRollup, rollUp, type RollupEntity, type RollupMetrics } from './rollup'

const TYPE_BY_PREFIX = { m: 'mission', p: 'plan', j: 'job', a: 'attempt' } as const

/** Entities written as `id` (a root) or `id<parent`; the type is the id's first letter. */
function treeOf(...lines: string[]): RollupEntity[] {
  return lines.map((line) => {
    const [entityId = '', parentId = null] = line.split('<')
    const entityType = TYPE_BY_PREFIX[entityId.charAt(0) as keyof typeof TYPE_BY_PREFIX]
    return { entityId, entityType, parentId }
  })
}

const tree = treeOf(
  'm_000000000001',
  'p_000000000001<m_000000000001',
  'j_000000000001<p_000000000001',
  'j_000000000002<p_000000000001',
  'a_000000000001<j_000000000001',
  'a_000000000002<j_000000000001',
  'a_000000000003<j_000000000002'
)

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

describe('rollUp', () => {
  it('sums tokens, cost, counts, retries and errors of every descendant', () => {
    const metrics: RollupMetrics[] = [
      {
        entity_id: 'a_000000000001',
        llm_tokens_consumed: 500,
        cost_credits: 0.5,
        success: false,
        started_at: t(1),
        completed_at: t(3)
      },
      {
        entity_id: 'a_000000000002',
        llm_tokens_consumed: 700,
        cost_credits: 0.25,
        success: true,
        started_at: t(4),
        completed_at: t(9)
      },
      {
        entity_id: 'a_000000000003',
        llm_tokens_consumed: 300,
        cost_credits: 1,
        success: true,
        started_at: t(2),
        completed_at: t(5)
      },
      {
        entity_id: 'j_000000000001',
        retry_count: 1,
        started_at: t(1),
        completed_at: t(9),
        success: true
      }
    ]
    const r = rollUp(tree, metrics, new Map([['a_000000000003', 2]]))
    const m = r.get('m_000000000001')!
    expect(m).toMatchObject({
      jobs: 2,
      attempts: 3,
      retries: 1,
      tokens: 1500,
      cost: 1.75,
      errors: 1,
      violations: 2
    })
    // The mission has no metrics of its own: its span is the subtree's, all ended.
    expect(m.startedAt).toBe(t(1))
    expect(m.endedAt).toBe(t(9))
    expect(m.durationMs).toBe(8000)
    expect(r.get('j_000000000001')).toMatchObject({
      jobs: 1,
      attempts: 2,
      tokens: 1200,
      retries: 1,
      durationMs: 8000
    })
    expect(r.get('j_000000000002')).toMatchObject({
      jobs: 1,
      attempts: 1,
      tokens: 300,
      violations: 2,
      durationMs: 3000
    })
    expect(r.get('a_000000000002')).toMatchObject({
      attempts: 1,
      jobs: 0,
      tokens: 700,
      durationMs: 5000
    })
  })

  it('has no duration while something in the subtree still runs, and the own end wins', () => {
    const running = rollUp(tree, [
      { entity_id: 'a_000000000001', started_at: t(1), completed_at: t(2) },
      { entity_id: 'a_000000000003', started_at: t(2), completed_at: null }
    ])
    expect(running.get('m_000000000001')).toMatchObject({
      startedAt: t(1),
      endedAt: null,
      durationMs: null
    })
    const ended = rollUp(tree, [
      { entity_id: 'm_000000000001', started_at: t(0), completed_at: t(4) },
      { entity_id: 'a_000000000003', started_at: t(2), completed_at: null }
    ])
    // A failed mission whose straggler never reported an end still ended when the mission did.
    expect(ended.get('m_000000000001')).toMatchObject({
      startedAt: t(0),
      endedAt: t(4),
      durationMs: 4000
    })
  })

  it('treats missing figures as zero, unknown parents as roots and survives a cycle', () => {
    const r = rollUp(
      treeOf(
        'j_00000000000a<p_0000000000ff',
        'a_00000000000a<a_00000000000b',
        'a_00000000000b<a_00000000000a'
      ),
      [{ entity_id: 'j_00000000000a' }, { entity_id: 'zzz', llm_tokens_consumed: 5 }]
    )
    expect(r.get('j_00000000000a')).toMatchObject({ jobs: 1, tokens: 0, cost: 0, durationMs: null })
    expect(r.get('a_00000000000a')!.attempts).toBeGreaterThan(0)
    expect(r.has('zzz')).toBe(false)
  })

  // From the trace view's roll-up (merged here): figures from metrics, a million attempts, source sums.
  const small = treeOf('m', 'p<m', 'j1<p', 'a1<j1', 'a2<j1', 'j2<p')
  const at = (ms: number) => new Date(ms).toISOString()
  const span = (
    id: string,
    start: number | null,
    end: number | null,
    o: Partial<RollupMetrics> = {}
  ): RollupMetrics => ({
    entity_id: id,
    started_at: start === null ? null : at(start),
    completed_at: end === null ? null : at(end),
    ...o
  })
  /** The mission's roll-up of the small tree with the figures of the next test. */
  const smallMission = {
    jobs: 2,
    tokens: 1500,
    cost: 0.75,
    attempts: 2,
    retries: 1,
    errors: 0,
    violations: 1,
    startedAt: at(1000),
    endedAt: at(9500),
    durationMs: 8500
  }

  it('sums tokens, cost, attempts, retries and violations up the tree and spans the wall clock', () => {
    const r = rollUp(small, [
      span('m', 1000, 9000),
      span('j1', 2000, 5000, { llm_tokens_consumed: 200, retry_count: 1, violation_count: 1 }),
      span('a1', 2000, 3000, { llm_tokens_consumed: 700, cost_credits: 0.5 }),
      span('a2', 3500, 5000, { llm_tokens_consumed: 300, cost_credits: 0.25 }),
      span('j2', 4000, 9500, { llm_tokens_consumed: 300, attempt_count: 0 })
    ])
    expect(r.get('m')).toEqual(smallMission)
    expect(r.get('j1')).toMatchObject({ tokens: 1200, attempts: 2, durationMs: 3000 })
    expect(r.get('p')).toMatchObject({ tokens: 1500, startedAt: at(2000), endedAt: at(9500) })
    expect(formatRollup(r.get('m')!)).toBe(
      '1,500 tokens · 0.75 credits · 2 attempts · 1 retry · 1 violation · 8.5 s'
    )
  })

  it('never shows a non-zero cost as 0 credits (an ingested model call often costs under 0.005)', () => {
    const r = rollUp(small, [span('a1', 1, 5, { llm_tokens_consumed: 165, cost_credits: 0.00075 })])
    expect(formatRollup(r.get('m')!)).toMatch(/^165 tokens · 0\.00075 credits · /)
    expect(formatCost(0)).toBe('0')
    expect(formatCost(0.75)).toBe('0.75')
    expect(formatCost(1234.567)).toBe('1,234.57')
  })

  it('has no end or duration while something below still runs and the entity itself has not ended', () => {
    const r = rollUp(small, [span('m', 1, null), span('a1', 1, 5), span('a2', 2, null)])
    expect(r.get('m')).toMatchObject({ startedAt: at(1), endedAt: null, durationMs: null })
    expect(formatRollup(r.get('m')!)).toMatch(/ · running$/)
  })

  it('trusts figures that already include descendants (no double counting)', () => {
    const r = rollUp(small, [
      { entity_id: 'm', llm_tokens_consumed: 1500, attempt_count: 2, includes_descendants: true },
      { entity_id: 'j1', llm_tokens_consumed: 1200, includes_descendants: true },
      { entity_id: 'a1', llm_tokens_consumed: 1000 }
    ])
    expect(r.get('m')!.tokens).toBe(1500)
    expect(r.get('j1')!.tokens).toBe(1200)
    expect(r.get('m')!.attempts).toBe(2)
  })

  it('counts an engine-rolled mission once with all its descendants loaded, and mixed trees once per figure', () => {
    // Our engine: every mission, plan and job answers with its subtree's sums; the attempts answer
    // their own. Adding the children again would count the 1,500 tokens two or three times.
    const subtree = {
      llm_tokens_consumed: smallMission.tokens,
      cost_credits: smallMission.cost,
      attempt_count: smallMission.attempts,
      retry_count: smallMission.retries,
      violation_count: smallMission.violations,
      includes_descendants: true
    }
    const engine: RollupMetrics[] = [
      span('m', 1000, 9000, subtree),
      { entity_id: 'p', ...subtree },
      span('j1', 2000, 5000, { ...subtree, llm_tokens_consumed: 1200, success: true }),
      span('a1', 2000, 3000, { llm_tokens_consumed: 700, cost_credits: 0.5, success: false }),
      span('a2', 3500, 5000, { llm_tokens_consumed: 300, cost_credits: 0.25, success: true }),
      span('j2', 4000, 9500, { llm_tokens_consumed: 300, includes_descendants: true })
    ]
    const r = rollUp(small, engine)
    // The same roll-up as summed from the leaves, plus a1's failure (`success: false`).
    expect(r.get('m')).toEqual({ ...smallMission, errors: 1 })
    expect(r.get('p')).toMatchObject({ tokens: 1500, attempts: 2, retries: 1, violations: 1 })
    expect(r.get('j1')).toMatchObject({ tokens: 1200, cost: 0.75, attempts: 2, errors: 1 })
    // Mixed (BRAiN mission and plan without source sums over an engine-summed job): the plain
    // levels add each child's roll-up once, so the attempts below j1 reach the mission only via j1.
    const mixed = rollUp(
      small,
      engine.map((m) =>
        m.entity_id === 'm' || m.entity_id === 'p' ? { entity_id: m.entity_id } : m
      )
    )
    expect(mixed.get('m')).toMatchObject({
      tokens: 1500,
      cost: 0.75,
      attempts: 2,
      retries: 1,
      violations: 1
    })
    // Attempts not loaded (the trace view pages them): the count comes from the job's metrics.
    const paged = rollUp(
      small.filter((e) => e.entityType !== 'attempt'),
      ['m', 'j1'].map((id) => ({
        entity_id: id,
        llm_tokens_consumed: 1500,
        attempt_count: 1_000_000,
        includes_descendants: true
      }))
    )
    expect(paged.get('m')).toMatchObject({ tokens: 1500, attempts: 1_000_000 })
    const pagedPlain = rollUp(
      small.filter((e) => e.entityId !== 'a2'),
      [{ entity_id: 'j1', attempt_count: 5 }]
    )
    expect(pagedPlain.get('m')!.attempts).toBe(5)
  })

  it('reads metrics as they come, and handles 200,000 attempts without recursion', () => {
    const one = rollUp(treeOf('j'), [
      {
        entity_id: 'j',
        started_at: '2026-01-01T00:00:00.000Z',
        completed_at: null,
        llm_tokens_consumed: 5,
        attempt_count: 2,
        retry_count: 1,
        success: null,
        cost_credits: 1,
        violation_count: 3,
        includes_descendants: true
      }
    ])
    expect(one.get('j')).toEqual({
      jobs: 1,
      tokens: 5,
      cost: 1,
      attempts: 2,
      retries: 1,
      errors: 0,
      violations: 3,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: null,
      durationMs: null
    })
    const big = treeOf('j')
    const metrics: RollupMetrics[] = []
    for (let i = 0; i < 200_000; i++) {
      big.push({ entityId: `a${i}`, entityType: 'attempt', parentId: 'j' })
      if (i % 1000 === 0) metrics.push({ entity_id: `a${i}`, llm_tokens_consumed: 1 })
    }
    expect(rollUp(big, metrics).get('j')).toMatchObject({ tokens: 200, attempts: 200_000 })
  })
})

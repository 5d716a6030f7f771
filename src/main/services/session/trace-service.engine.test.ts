import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TraceNode } from '../../../shared/console/domains/data'
import { seedChain, seedJob } from '../client/testing/brain-seed'
import { withoutKeychain } from '../testing/no-keychain'
import { startLocalConsole, type LocalConsole } from '../testing/temp-engine'

// The trace tree below the root: every node carries its own child count (when the engine's answer
// tells it) and its own cursor, so a job with more attempts than one tree page can be paged.
describe('trace tree paging below the root (embedded engine over HTTP)', () => {
  let local: LocalConsole
  const BIG = 230
  let ids: { mission: string; plan: string; big: string; small: string }

  beforeAll(async () => {
    withoutKeychain()
    local = await startLocalConsole('cd-trace-', { engine: { rateLimit: false } })
    const chain = await seedChain(local.admin, { jobType: 'tool_call', attempts: BIG })
    // Created last, after every attempt of the big job.
    const small = await seedJob(local.admin, chain.plan)
    ids = { mission: chain.mission, plan: chain.plan, big: chain.job, small: small.job }
  }, 60_000)

  afterAll(async () => {
    await local?.close()
  })

  it('gives complete levels their exact counts and a cut level null counts with per-node cursors', async () => {
    const { root } = await local.call<{ root: TraceNode }>('getTrace', { entityId: ids.mission })
    // Plans and jobs came back in full: their parents know their exact counts.
    expect(root).toMatchObject({ entityId: ids.mission, childCount: 1, nextCursor: null })
    const [plan] = root.children
    if (!plan) throw new Error('the mission has no plan')
    expect(plan).toMatchObject({ entityId: ids.plan, childCount: 2, nextCursor: null })
    // The attempts level was cut at the tree page: no job claims a count it does not know.
    const loaded = plan.children.reduce((n, j) => n + j.children.length, 0)
    expect(loaded).toBe(200)
    for (const job of plan.children) {
      expect(job.childCount).toBeNull()
      expect(job.nextCursor).toBe(`k:${job.children.length}`)
    }
    const big = plan.children.find((j) => j.entityId === ids.big)!
    expect(big.children.length).toBeLessThanOrEqual(200)

    // Paging the big job from its own cursor returns exactly the attempts not yet loaded.
    const seen = new Set(big.children.map((a) => a.entityId))
    let cursor: string | null = big.nextCursor
    let pages = 0
    while (cursor !== null && pages++ < 10) {
      const page: { items: TraceNode[]; nextCursor: string | null } = await local.call(
        'getChildren',
        {
          entityType: 'job',
          entityId: ids.big,
          cursor,
          limit: 7
        }
      )
      for (const a of page.items) {
        expect(seen.has(a.entityId)).toBe(false)
        seen.add(a.entityId)
      }
      cursor = page.items.length === 0 ? null : page.nextCursor
    }
    expect(seen.size).toBe(BIG)
  })

  it('pages from a skip cursor near and past the page limit', async () => {
    const page = await local.call<{ items: TraceNode[]; nextCursor: string | null }>(
      'getChildren',
      {
        entityType: 'job',
        entityId: ids.big,
        cursor: 'k:200',
        limit: 500
      }
    )
    expect(page.items).toHaveLength(BIG - 200)
    expect(page.nextCursor).toBeNull()
    const beyond = await local.call<{ items: TraceNode[]; nextCursor: string | null }>(
      'getChildren',
      {
        entityType: 'job',
        entityId: ids.big,
        cursor: 'k:600',
        limit: 100
      }
    )
    expect(beyond).toMatchObject({ items: [], nextCursor: null })
    // A malformed skip cursor is refused with a sentence, not guessed at.
    await expect(
      local.call('getChildren', { entityType: 'job', entityId: ids.big, cursor: 'k:-3', limit: 10 })
    ).rejects.toMatchObject({
      error: { code: 'invalid_input' }
    })
  })

  it('a job whose only attempt fell past the first page still finds it through its cursor', async () => {
    const { root } = await local.call<{ root: TraceNode }>('getTrace', { entityId: ids.small })
    // The tree starts at the mission; the small job's attempt was created last, after the first
    // 200 of the cut attempts level, so its count is unknown and its cursor finds it.
    const small = root.children[0]?.children.find((j) => j.entityId === ids.small)
    if (!small) throw new Error('the small job is not in the tree')
    expect(small.childCount).toBeNull()
    const rest = await local.call<{ items: TraceNode[]; nextCursor: string | null }>(
      'getChildren',
      {
        entityType: 'job',
        entityId: ids.small,
        cursor: small.nextCursor!,
        limit: 100
      }
    )
    expect(small.children.length + rest.items.length).toBe(1)
  })
})

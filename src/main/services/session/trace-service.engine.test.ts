import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TraceNode } from '../../../shared/console/domains/data'
import { startEngine, type RunningEngine } from '../../../engine'
import { StaticTokenAuth } from '../client/auth'
import { BackendClient } from '../client/backend-client'
import type { ConsoleService } from '../console-service'
import { withoutKeychain } from '../testing/no-keychain'
import { createLocalConsole } from '../testing/temp-engine'

// The trace tree below the root: every node carries its own child count (when the engine's answer
// tells it) and its own cursor, so a job with more attempts than one tree page can be paged.
describe('trace tree paging below the root (embedded engine over HTTP)', () => {
  let dir: string
  let engine: RunningEngine
  let service: ConsoleService
  const BIG = 230
  const ids = { mission: '', plan: '', big: '', small: '' }
  const call = <T>(method: string, input: unknown) => service.invoke(method, input) as Promise<T>

  beforeAll(async () => {
    withoutKeychain()
    dir = await mkdtemp(join(tmpdir(), 'cd-trace-'))
    engine = await startEngine({
      dbPath: join(dir, 'engine.db'),
      port: 0,
      quiet: true,
      rateLimit: false
    })
    service = createLocalConsole(engine, dir)
    const seed = new BackendClient(engine.url, new StaticTokenAuth(engine.adminToken))
    const mission = await seed.createMission({})
    const plan = await seed.createPlan({
      mission_id: mission.mission_id,
      plan_type: 'sequential',
      metadata: {}
    })
    const big = await seed.createJob({
      plan_id: plan.plan_id,
      job_type: 'tool_call',
      dependencies: [],
      metadata: {}
    })
    const small = await seed.createJob({
      plan_id: plan.plan_id,
      job_type: 'llm_call',
      dependencies: [],
      metadata: {}
    })
    Object.assign(ids, {
      mission: mission.mission_id,
      plan: plan.plan_id,
      big: big.job_id,
      small: small.job_id
    })
    for (let i = 1; i <= BIG; i++)
      await seed.createAttempt({ job_id: big.job_id, attempt_number: i, metadata: {} })
    await seed.createAttempt({ job_id: small.job_id, attempt_number: 1, metadata: {} })
  }, 60_000)

  afterAll(async () => {
    await service?.dispose()
    await engine?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('gives complete levels their exact counts and a cut level null counts with per-node cursors', async () => {
    const { root } = await call<{ root: TraceNode }>('getTrace', { entityId: ids.mission })
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
      const page: { items: TraceNode[]; nextCursor: string | null } = await call('getChildren', {
        entityType: 'job',
        entityId: ids.big,
        cursor,
        limit: 7
      })
      for (const a of page.items) {
        expect(seen.has(a.entityId)).toBe(false)
        seen.add(a.entityId)
      }
      cursor = page.items.length === 0 ? null : page.nextCursor
    }
    expect(seen.size).toBe(BIG)
  })

  it('pages from a skip cursor near and past the page limit', async () => {
    const page = await call<{ items: TraceNode[]; nextCursor: string | null }>('getChildren', {
      entityType: 'job',
      entityId: ids.big,
      cursor: 'k:200',
      limit: 500
    })
    expect(page.items).toHaveLength(BIG - 200)
    expect(page.nextCursor).toBeNull()
    const beyond = await call<{ items: TraceNode[]; nextCursor: string | null }>('getChildren', {
      entityType: 'job',
      entityId: ids.big,
      cursor: 'k:600',
      limit: 100
    })
    expect(beyond).toMatchObject({ items: [], nextCursor: null })
    // A malformed skip cursor is refused with a sentence, not guessed at.
    await expect(
      call('getChildren', { entityType: 'job', entityId: ids.big, cursor: 'k:-3', limit: 10 })
    ).rejects.toMatchObject({
      error: { code: 'invalid_input' }
    })
  })

  it('a job whose only attempt fell past the first page still finds it through its cursor', async () => {
    const { root } = await call<{ root: TraceNode }>('getTrace', { entityId: ids.small })
    // The tree starts at the mission; the small job's attempt was created last, after the first
    // 200 of the cut attempts level, so its count is unknown and its cursor finds it.
    const small = root.children[0]?.children.find((j) => j.entityId === ids.small)
    if (!small) throw new Error('the small job is not in the tree')
    expect(small.childCount).toBeNull()
    const rest = await call<{ items: TraceNode[]; nextCursor: string | null }>('getChildren', {
      entityType: 'job',
      entityId: ids.small,
      cursor: small.nextCursor!,
      limit: 100
    })
    expect(small.children.length + rest.items.length).toBe(1)
  })
})

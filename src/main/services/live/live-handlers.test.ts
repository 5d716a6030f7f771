import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LIVE_PUSH_MAX_BYTES, type LiveEvent } from '../../../shared/console/domains/live'
import { CacheStore } from '../cache/cache-store'
import type { ConsoleService } from '../console-service'
import { createTestConsole } from '../testing/test-console'
import type { HandlerModule } from '../context'
import { createCacheHandlers } from '../handlers/cache'
import { createLiveHandlers } from '../handlers/live'
import { startSseTestServer } from '../testing/sse-test-server'
import { makeTempDir } from '../testing/temp-dir'
import { waitFor } from '../testing/wait'
import type { ActiveSessionSource } from './active-session'
import { EventBatcher } from './event-batcher'
import { LiveEventStream } from './live-event-stream'

/**
 * The live and cache domains through the real console service (input/output/event schemas
 * checked), fed by a real SSE server, a real LiveEventStream and a real cache file.
 */
describe('live and cache handlers', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function setup(options: { withSession?: boolean } = {}) {
    const temp = makeTempDir()
    cleanups.push(() => temp.remove())
    const server = await startSseTestServer()
    cleanups.push(() => server.close())
    const cache = CacheStore.open(join(temp.dir, 'cache', 'env.db'))
    cleanups.push(() => cache.close())
    const listeners = new Set<(events: LiveEvent[], environmentId: string) => void>()
    // The seam the session manager fills in the app: here wired from the same real parts.
    const stream = new LiveEventStream({
      baseUrl: server.baseUrl,
      token: null,
      hasStream: true,
      lastEventId: null,
      onEvents: (events) => {
        cache.appendStreamEvents(events)
        for (const l of listeners) l(events, 'env-1')
      },
      onState: () => {}
    })
    cleanups.push(() => stream.close())
    const source: ActiveSessionSource = {
      activeNow: () => (options.withSession === false ? null : { environmentId: 'env-1', cache }),
      onEvents(listener) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      }
    }
    const service = createTestConsole(temp.dir, {
      // The factory list is typed loosely (modules line up by name at run time).
      handlerFactories: [
        (ctx) => createLiveHandlers(ctx, source) as unknown as HandlerModule<never>,
        (ctx) => createCacheHandlers(ctx, source) as unknown as HandlerModule<never>
      ]
    })
    cleanups.push(() => service.dispose())
    // Observed where a transport sends: after its one pacing stage, as IPC and SSE do.
    const pushes: {
      at: number
      push: number
      subscriptionId: string
      events: LiveEvent[]
      bytes: number
    }[] = []
    let pushCount = 0
    const transport = new EventBatcher((batch) => {
      const push = ++pushCount
      const bytes = JSON.stringify(batch).length
      for (const [name, payload] of batch) {
        if (name !== 'onEvents') continue
        pushes.push({
          at: Date.now(),
          push,
          ...(payload as { subscriptionId: string; events: LiveEvent[] }),
          bytes
        })
      }
    })
    cleanups.push(() => transport.close())
    service.subscribe((name, payload) => transport.add(name, payload))
    stream.start()
    await waitFor(() => server.openStreams() === 1, 'stream open')
    return { server, cache, service, pushes }
  }

  async function invoke<T>(service: ConsoleService, method: string, input: unknown): Promise<T> {
    return (await service.invoke(method, input)) as T
  }

  it('pushes filtered events in order, at most one push per 16 ms and 64 KB each', async () => {
    const { server, service, pushes } = await setup()
    const { subscriptionId } = await invoke<{ subscriptionId: string }>(
      service,
      'subscribeEvents',
      {
        channels: ['lifecycle']
      }
    )
    const other = await invoke<{ subscriptionId: string }>(service, 'subscribeEvents', {
      entityIds: ['j_000000000007']
    })
    const total = 3000
    for (let n = 1; n <= total; n++) {
      server.publish(n % 3 === 0 ? 'audit' : 'lifecycle', 'state_transition', {
        entity_id: `j_${String(n % 10).padStart(12, '0')}`,
        n,
        note: 'z'.repeat(100)
      })
    }
    const expected = Array.from({ length: total }, (_, i) => i + 1).filter((n) => n % 3 !== 0)
    const mine = () => pushes.filter((p) => p.subscriptionId === subscriptionId)
    await waitFor(
      () => mine().reduce((k, p) => k + p.events.length, 0) >= expected.length,
      'all lifecycle events',
      15_000
    )
    const received = mine().flatMap((p) => p.events)
    expect(received.map((e) => e.data.n)).toEqual(expected)
    const minePushes = new Set(mine().map((p) => p.push)).size
    expect(minePushes).toBeGreaterThan(1)
    expect(mine().every((p) => p.bytes <= LIVE_PUSH_MAX_BYTES)).toBe(true)
    // Paced: n pushes span at least (n-1)·16 ms (the exact gaps are an EventBatcher unit test).
    const span = (mine().at(-1) as { at: number }).at - (mine()[0] as { at: number }).at
    expect(minePushes).toBeLessThanOrEqual(Math.floor(span / 16) + 2)
    const byEntity = pushes
      .filter((p) => p.subscriptionId === other.subscriptionId)
      .flatMap((p) => p.events)
    expect(byEntity.map((e) => e.data.n)).toEqual(
      Array.from({ length: total }, (_, i) => i + 1).filter((n) => n % 10 === 7)
    )

    expect(await invoke(service, 'unsubscribeEvents', { subscriptionId })).toEqual({
      removed: true
    })
    expect(await invoke(service, 'unsubscribeEvents', { subscriptionId })).toEqual({
      removed: false
    })
    const before = mine().length
    server.publish('lifecycle', 'state_transition', { n: 'late' })
    await new Promise((r) => setTimeout(r, 100))
    expect(mine().length).toBe(before)
  })

  it('truncates a single event larger than one push but keeps it whole in the cache', async () => {
    const { server, service, pushes } = await setup()
    await invoke(service, 'subscribeEvents', {})
    server.publish('audit', 'big', { message: 'q'.repeat(100_000) })
    await waitFor(() => pushes.length === 1, 'one push')
    expect(pushes[0]?.events[0]?.data).toEqual({ _truncated: true, _bytes: expect.any(Number) })
    const recent = await invoke<{ events: LiveEvent[] }>(service, 'getRecentEvents', { limit: 1 })
    expect(recent.events[0]?.data.message).toHaveLength(100_000)
  })

  it('pages recent events back from the cache', async () => {
    const { server, service, cache } = await setup()
    for (let n = 1; n <= 25; n++) server.publish(n % 2 ? 'metrics' : 'audit', 'tick', { n })
    await waitFor(() => cache.queryStreamEvents({ limit: 100 }).events.length === 25, 'cached')
    const seen: unknown[] = []
    let beforeId: string | undefined
    for (;;) {
      const page = await invoke<{ events: LiveEvent[]; nextBeforeId: string | null }>(
        service,
        'getRecentEvents',
        {
          channel: 'metrics',
          limit: 5,
          ...(beforeId ? { beforeId } : {})
        }
      )
      expect(page.events.length).toBeLessThanOrEqual(5)
      seen.push(...page.events.map((e) => e.data.n))
      if (!page.nextBeforeId) break
      beforeId = page.nextBeforeId
    }
    expect(seen).toEqual([25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1])
    await expect(service.invoke('getRecentEvents', { limit: 5000 })).rejects.toMatchObject({
      error: { code: 'invalid_input' }
    })
  })

  it('reports cache status, applies retention and clears', async () => {
    const { server, service, cache } = await setup()
    for (let n = 1; n <= 10; n++) server.publish('audit', 'tick', { n })
    await waitFor(() => cache.queryStreamEvents().events.length === 10, 'cached')
    const status = await invoke<{
      environmentId: string
      rows: { events: number }
      sizeBytes: number
      retention: unknown
    }>(service, 'getCacheStatus', {})
    expect(status.environmentId).toBe('env-1')
    expect(status.rows.events).toBe(10)
    expect(status.sizeBytes).toBeGreaterThan(0)
    const updated = await invoke<{ retention: unknown }>(service, 'setCacheRetention', {
      days: 3,
      maxMb: 64
    })
    expect(updated.retention).toEqual({ days: 3, maxMb: 64 })
    expect(cache.getRetention()).toEqual({ days: 3, maxMb: 64 })
    await expect(service.invoke('setCacheRetention', { days: 0, maxMb: 64 })).rejects.toMatchObject(
      {
        error: { code: 'invalid_input' }
      }
    )
    const cleared = await invoke<{ rows: { events: number } }>(service, 'clearCache', {})
    expect(cleared.rows.events).toBe(0)
  })

  it('answers with a sentence when no environment is open', async () => {
    const { service } = await setup({ withSession: false })
    await expect(service.invoke('getCacheStatus', {})).rejects.toMatchObject({
      error: { code: 'no_environment' }
    })
    await expect(service.invoke('getRecentEvents', {})).rejects.toMatchObject({
      error: { code: 'no_environment' }
    })
  })
})

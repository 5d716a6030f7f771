import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { LiveEvent } from '../../../shared/console/domains/live'
import { startEngine, type RunningEngine } from '../../../engine'
import { CacheStore } from '../cache/cache-store'
import type { ConsoleService } from '../console-service'
import { withoutKeychain } from '../testing/no-keychain'
import { createLocalConsole, publishEvent } from '../testing/temp-engine'
import { makeTempDir } from '../testing/temp-dir'
import { eventually, waitFor } from '../testing/wait'

/**
 * The engine's event log starts over (a fresh database at the same address) while the console
 * keeps its data folder, and with it a resume point from the old log: every new event must still
 * reach the live feed and the cache (issue 10, item 2).
 */
describe('live feed across an engine whose event log starts over', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  const token = 'restart-test-admin-token-0123456789abcdef'

  async function engineAt(port: number, label: string): Promise<RunningEngine> {
    const dir = makeTempDir(`cd-restart-${label}-`)
    const engine = await startEngine({
      dbPath: join(dir.dir, 'engine.db'),
      port,
      adminToken: token,
      quiet: true,
      rateLimit: false
    })
    cleanups.push(() => dir.remove())
    return engine
  }

  function console_(
    engine: RunningEngine,
    dataParent: string
  ): { service: ConsoleService; pushed: LiveEvent[] } {
    const service = createLocalConsole(engine, dataParent, { log: () => {} })
    const pushed: LiveEvent[] = []
    service.subscribe((name, payload) => {
      if (name === 'onEvents') pushed.push(...(payload as { events: LiveEvent[] }).events)
    })
    return { service, pushed }
  }

  async function live(service: ConsoleService): Promise<void> {
    await eventually(
      () => service.invoke('getConnectionState', {}) as Promise<{ status: string }>,
      (s) => s.status === 'live',
      15_000
    )
    await service.invoke('subscribeEvents', {})
  }

  const publish = async (engine: RunningEngine, tag: string, n: number): Promise<void> => {
    // The first call after a restart may go out on a pooled keep-alive socket of the old engine.
    const res = await publishEvent(engine, 'metrics', 'tick', { tag, n }).catch(() =>
      publishEvent(engine, 'metrics', 'tick', { tag, n })
    )
    expect(res.status).toBe(200)
  }
  const tags = (events: LiveEvent[], tag: string): number[] =>
    events.filter((e) => e.data.tag === tag).map((e) => Number(e.data.n))
  const cachedTags = (dataParent: string, tag: string): number[] => {
    const cache = CacheStore.open(join(dataParent, 'data', 'cache', 'local.db'))
    try {
      return tags(cache.queryStreamEvents({ limit: 1000 }).events.reverse(), tag)
    } finally {
      cache.close()
    }
  }
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)

  it('delivers and caches every event of the new log, with the console running and after it restarts', async () => {
    withoutKeychain()
    const data = makeTempDir('cd-restart-console-')
    cleanups.push(() => data.remove())
    let engine = await engineAt(0, 'a')
    const port = Number(new URL(engine.url).port)
    let stopEngine = async (): Promise<void> => engine.close()
    cleanups.push(() => stopEngine())

    // The old log: 30 events, so the console's resume point is id 30 of the first epoch.
    let c = console_(engine, data.dir)
    cleanups.push(() => c.service.dispose())
    await live(c.service)
    for (let n = 1; n <= 30; n++) await publish(engine, 'old', n)
    await waitFor(() => tags(c.pushed, 'old').length === 30, 'the old events')

    // Same address, fresh database: its ids start at 1 again. The console reconnects by itself.
    await engine.close()
    engine = await engineAt(port, 'b')
    for (let n = 1; n <= 5; n++) await publish(engine, 'fresh', n)
    await waitFor(
      () => tags(c.pushed, 'fresh').length >= 5,
      "the new log's events in the live feed",
      15_000
    )
    for (let n = 6; n <= 10; n++) await publish(engine, 'fresh', n)
    await waitFor(
      () => tags(c.pushed, 'fresh').length >= 10,
      'later events in the live feed',
      15_000
    )
    expect(tags(c.pushed, 'fresh')).toEqual(range(10))
    await c.service.dispose()
    expect(cachedTags(data.dir, 'fresh')).toEqual(range(10))
    expect(cachedTags(data.dir, 'old')).toEqual(range(30))

    // The console restarts on the same data folder, the engine once more on a fresh database.
    await engine.close()
    engine = await engineAt(port, 'c')
    stopEngine = async () => engine.close()
    // Written before the console is back: they reach the cache as the stream replays the new log
    // (no subscription exists yet to push them to).
    for (let n = 1; n <= 3; n++) await publish(engine, 'third', n)
    c = console_(engine, data.dir)
    await live(c.service)
    for (let n = 4; n <= 6; n++) await publish(engine, 'third', n)
    await waitFor(() => tags(c.pushed, 'third').includes(6), "the third log's events", 15_000)
    const third = tags(c.pushed, 'third')
    expect(third).toEqual(range(6).slice(6 - third.length))
    await c.service.dispose()
    expect(cachedTags(data.dir, 'third')).toEqual(range(6))
  })
})

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LiveEvent } from '../../../shared/console/domains/live'
import type { RunningEngine } from '../../../engine'
import type { ConsoleService } from '../console-service'
import { withoutKeychain } from '../testing/no-keychain'
import {
  createLocalConsole,
  publishEvent,
  startTempEngine,
  type TempEngine
} from '../testing/temp-engine'
import { eventually, waitFor } from '../testing/wait'

/**
 * The live and cache ConsoleApi domains as the app runs them: the real console service with its
 * standard handler factories (so the session manager supplies the environment), the embedded
 * engine over HTTP as the local environment.
 */
describe('live + cache ConsoleApi on the embedded engine', () => {
  let temp: TempEngine
  let engine: RunningEngine
  let service: ConsoleService
  const pushed: { subscriptionId: string; events: LiveEvent[] }[] = []
  const call = <T>(method: string, input: unknown = {}) =>
    service.invoke(method, input) as Promise<T>

  beforeAll(async () => {
    // No keychain in this worker: the local environment needs none (the engine's admin token).
    withoutKeychain()
    temp = await startTempEngine('cd-live-', { rateLimit: false })
    engine = temp.engine
    service = createLocalConsole(engine, temp.dir, { log: () => {} })
    service.subscribe((name, payload) => {
      if (name === 'onEvents')
        pushed.push(payload as { subscriptionId: string; events: LiveEvent[] })
    })
  })

  afterAll(async () => {
    await service?.dispose()
    await temp?.close()
  })

  async function publish(channel: string, n: number): Promise<void> {
    const res = await publishEvent(engine, channel, 'circuit_state_changed', {
      circuit_id: `c${n}`,
      to_state: 'open',
      failure_count: n,
      success_count: 0
    })
    expect(res.status).toBe(200)
  }

  it('subscribes, receives filtered pushes, pages the cache and reports/clears it', async () => {
    // Opening the session is asynchronous; the connection state says when the stream is live.
    await eventually(
      () => call<{ status: string }>('getConnectionState'),
      (state) => state.status === 'live',
      15_000
    )
    const { subscriptionId } = await call<{ subscriptionId: string }>('subscribeEvents', {
      channels: ['reflex']
    })
    for (let n = 1; n <= 20; n++) await publish(n % 2 ? 'reflex' : 'governor', n)
    await waitFor(() => pushed.flatMap((p) => p.events).length >= 10, 'ten reflex events pushed')
    const got = pushed.filter((p) => p.subscriptionId === subscriptionId).flatMap((p) => p.events)
    expect(got.map((e) => e.data.circuit_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `c${2 * i + 1}`)
    )

    // The governor events reach the cache too (the write-behind buffer flushes within 50 ms).
    await eventually(
      () => call<{ rows: { events: number } }>('getCacheStatus'),
      (status) => status.rows.events === 20,
      15_000
    )
    const recent = await call<{ events: LiveEvent[]; nextBeforeId: string | null }>(
      'getRecentEvents',
      { limit: 15 }
    )
    expect(recent.events).toHaveLength(15)
    expect(recent.events[0]?.data.circuit_id).toBe('c20')
    expect(recent.nextBeforeId).not.toBeNull()

    const cache = await call<{
      rows: { events: number }
      path: string
      retention: { days: number }
    }>('getCacheStatus')
    expect(cache.rows.events).toBe(20)
    expect(cache.path.startsWith(join(temp.dir, 'data'))).toBe(true)
    await call('setCacheRetention', { days: 5, maxMb: 100 })
    expect((await call<{ retention: unknown }>('getCacheStatus')).retention).toEqual({
      days: 5,
      maxMb: 100
    })
    expect((await call<{ rows: { events: number } }>('clearCache')).rows.events).toBe(0)
    expect(await call('unsubscribeEvents', { subscriptionId })).toEqual({ removed: true })
  })
})

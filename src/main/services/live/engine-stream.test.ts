import { afterEach, describe, expect, it } from 'vitest'
import type { RunningEngine } from '../../../engine'
import { startFaultProxy, seededRandom } from '../testing/fault-proxy'
import { publishEvent, startTempEngine } from '../testing/temp-engine'
import { waitFor } from '../testing/wait'
import { recordingLiveClient } from '../testing/live-client'

/** The live client against the real embedded engine over real HTTP, directly and through faults. */
describe('LiveEventStream against the embedded engine', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function engine(): Promise<RunningEngine> {
    const temp = await startTempEngine('cd-live-', { rateLimit: false, heartbeatMs: 100 })
    cleanups.push(() => temp.close())
    return temp.engine
  }

  async function publish(
    e: RunningEngine,
    channel: string,
    type: string,
    data: Record<string, unknown>
  ): Promise<void> {
    const res = await publishEvent(e, channel, type, data)
    expect(res.status).toBe(200)
  }

  const client = (baseUrl: string, token: string, lastEventId: string | null = null) =>
    recordingLiveClient(baseUrl, cleanups, { token, lastEventId, heartbeatTimeoutMs: 1000 })

  it('receives published events live and resumes from a stored id', async () => {
    const e = await engine()
    const first = client(e.baseUrl, e.adminToken)
    await waitFor(() => first.stream.currentState.status === 'live', 'live')
    for (let n = 1; n <= 5; n++)
      await publish(e, 'lifecycle', 'state_transition', { entity_id: 'j_000000000001', n })
    await waitFor(() => first.events.length === 5, 'five events')
    const resumeFrom = first.events[2]?.id ?? null
    await first.stream.close()
    // A new launch resuming from the cache's last id gets exactly the rest.
    const second = client(e.baseUrl, e.adminToken, resumeFrom)
    await waitFor(() => second.events.length === 2, 'the two after the resume point')
    expect(second.events.map((x) => x.data.n)).toEqual([4, 5])
  })

  it('delivers every event exactly once and in order across 50 random cuts of a proxy', async () => {
    const e = await engine()
    const random = seededRandom(99)
    const proxy = await startFaultProxy(e.url, (i, path) =>
      path.includes('/stream/events') && i < 60
        ? { kind: 'cut', afterBytes: 1 + Math.floor(random() * 1200) }
        : { kind: 'pass' }
    )
    cleanups.push(() => proxy.close())
    // Resume from 0: the first connections are cut before the engine has registered them, and
    // without a Last-Event-ID the engine sends only what is published after the subscription.
    const { events } = client(`${proxy.url}/api/neurorail/v1`, e.adminToken, '0')
    const total = 300
    for (let n = 1; n <= total; n++)
      await publish(e, n % 3 ? 'audit' : 'metrics', 'tick', { n, pad: 'y'.repeat(n % 61) })
    await waitFor(
      () =>
        events.length >= total && proxy.applied.filter((a) => a.fault.kind === 'cut').length >= 50,
      'all events through 50 cuts',
      30_000
    )
    await new Promise((r) => setTimeout(r, 50))
    expect(events.map((x) => x.data.n)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    const ids = events.map((x) => Number(x.id))
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true)
  })
})

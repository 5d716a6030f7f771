import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../../shared/console/domains/environments'
import type { LiveEvent } from '../../../shared/console/domains/live'
import { MAX_EVENT_DEPTH } from '../../../shared/neurorail/limits'
import { TOO_DEEP_MARKER } from '../live/frame'
import { startSseTestServer } from '../testing/sse-test-server'
import { makeTempDir } from '../testing/temp-dir'
import { waitFor } from '../testing/wait'
import { EnvironmentSession } from './environment-session'

/**
 * Nothing the stream sends is dropped without a word (issue 10, item 4): an event nested deeper
 * than the console reads is kept with that part replaced, and the counts of cut events and
 * unreadable frames reach the connection state the UI shows.
 */
describe('stream health in the connection state', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('keeps a too-deep event with a marker and reports it and unreadable frames in the connection state', async () => {
    const server = await startSseTestServer({
      capabilities: { engine: 'test', version: '1', features: ['stream'] }
    })
    cleanups.push(() => server.close())
    const dir = makeTempDir('cd-health-')
    cleanups.push(() => dir.remove())
    const states: ConnectionState[] = []
    const events: LiveEvent[] = []
    const session = new EnvironmentSession({
      profile: {
        id: 'remote',
        name: 'Remote',
        baseUrl: server.url,
        kind: 'remote',
        authKind: 'none',
        color: 'blue',
        isProduction: false,
        readOnly: false,
        builtIn: false,
        credentialId: 'c0ffee00c0ffee00c0ffee00c0ffee00'
      },
      auth: { provider: null, close: () => undefined, missing: null },
      cachePath: join(dir.dir, 'remote.db'),
      live: true,
      onState: (s) => states.push(s),
      onEvents: (batch) => events.push(...batch)
    })
    cleanups.push(() => session.close())
    await session.connect()
    await waitFor(() => server.openStreams() === 1, 'the stream')
    // An audit event whose details nest 100 levels: more than MAX_EVENT_DEPTH in all.
    const details = `${'{"d":'.repeat(100)}"bottom"${'}'.repeat(100)}`
    server.writeRaw(
      `id: 41\nevent: deep\ndata: {"channel":"audit","event_type":"deep","timestamp":1,"data":{"message":"kept","details":${details}}}\n\n`
    )
    server.writeRaw('id: 42\ndata: {not json\n\n')
    server.publish('audit', 'after', {})
    await waitFor(() => events.some((e) => e.event_type === 'after'), 'the event after')
    expect(events.map((e) => e.event_type)).toEqual(['deep', 'after'])
    expect(events[0]?.data.message).toBe('kept')
    expect(JSON.stringify(events[0])).toContain(TOO_DEEP_MARKER)
    await waitFor(
      () => (states.at(-1)?.stream?.truncated ?? 0) === 1 && states.at(-1)?.stream?.invalid === 1,
      'the counts pushed',
      5000
    )
    expect(session.state.stream).toMatchObject({
      invalid: 1,
      truncated: 1,
      resets: 0,
      duplicates: 0
    })
    // The cache keeps the cut event too, within the depth every reader accepts.
    const cached = session.cache
      .queryStreamEvents({ limit: 10 })
      .events.find((e) => e.event_type === 'deep')
    expect(cached?.data.message).toBe('kept')
    expect(JSON.stringify(cached).split('{').length - 1).toBeLessThanOrEqual(MAX_EVENT_DEPTH)
  })
})

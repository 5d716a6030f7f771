import { createServer, type ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { startFaultProxy, seededRandom } from '../testing/fault-proxy'
import { listenOnLoopback } from '../testing/loopback'
import { startSpecSseServer } from '../testing/spec-sse-server'
import { startSseTestServer } from '../testing/sse-test-server'
import { recordingLiveClient } from '../testing/live-client'
import { waitFor } from '../testing/wait'
import type { LiveEventStreamOptions } from './live-event-stream'
import { SSE_MAX_BUFFER_CHARS } from './sse-connection'

/** The live client against SSE as the specification has it, not as our engine happens to send it. */
describe('LiveEventStream against a specification-following SSE server', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  const client = (baseUrl: string, extra: Partial<LiveEventStreamOptions> = {}) =>
    recordingLiveClient(baseUrl, cleanups, {
      heartbeatTimeoutMs: 5000,
      backoff: { baseDelayMs: 5, maxDelayMs: 20 },
      ...extra
    })

  for (const ids of ['numeric', 'opaque'] as const) {
    it(`delivers every event exactly once across 40 mid-frame cuts, resuming by the id: line (${ids} ids)`, async () => {
      const server = await startSpecSseServer({ ids })
      cleanups.push(() => server.close())
      const random = seededRandom(ids === 'numeric' ? 11 : 29)
      const proxy = await startFaultProxy(server.url, (i) =>
        i < 40 ? { kind: 'cut', afterBytes: 1 + Math.floor(random() * 900) } : { kind: 'pass' }
      )
      cleanups.push(() => proxy.close())
      const { events, stream } = client(`${proxy.url}/api/neurorail/v1`)
      const total = 200
      const sent: string[] = []
      for (let n = 1; n <= total; n++) {
        sent.push(server.publish({ n, pad: 'p'.repeat(n % 53) }))
        if (n % 10 === 0) await new Promise((r) => setTimeout(r, 2))
      }
      await waitFor(
        () => events.length >= total && proxy.applied.length > 40,
        'every event through 40 cuts',
        20_000
      )
      // Anything extra would be a duplicate: give it the chance to show up.
      await waitFor(() => server.openStreams() === 1, 'the last connection')
      expect(events.map((e) => e.data.n)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
      expect(events.map((e) => e.id)).toEqual(sent)
      expect(stream.stats().connects).toBeGreaterThan(40)
      // Every reconnect named the last event delivered before it: a known id of this server.
      const resumes = server.lastEventIds.slice(1)
      expect(resumes.every((id) => id === null || sent.includes(id))).toBe(true)
      expect(resumes.filter((id) => id !== null).length).toBeGreaterThan(30)
    })
  }

  it('is not silenced by one frame with an absurd numeric id, and resumes from the frame after it', async () => {
    const s = await startSseTestServer()
    cleanups.push(() => s.close())
    const { events } = client(s.baseUrl, { lastEventId: '1', epoch: null })
    await waitFor(() => s.openStreams() === 1, 'stream open')
    s.writeRaw(
      'id: 999999999999999\nevent: x\ndata: {"channel":"audit","event_type":"bogus","timestamp":1,"data":{}}\n\n'
    )
    for (let n = 0; n < 3; n++) s.publish('audit', 'real', { n })
    await waitFor(() => events.length === 4, 'the bogus event and the three after it')
    expect(events.map((e) => e.id)).toEqual(['999999999999999', '1', '2', '3'])
    s.endStreams()
    await waitFor(() => s.streamRequests.length === 2 && s.openStreams() === 1, 'reconnect')
    expect(s.streamRequests[1]?.lastEventId).toBe('3')
    s.publish('audit', 'real', { n: 3 })
    await waitFor(() => events.length === 5, 'the next event')
    expect(events[4]?.id).toBe('4')
  })

  // The spec (§9.2.6): an `id:` line with an empty value sets the last event ID buffer to empty,
  // and a reconnect with an empty buffer sends no Last-Event-ID: the server asked not to resume.
  it('an empty id: line clears the resume point: the reconnect sends no Last-Event-ID', async () => {
    const s = await startSseTestServer()
    cleanups.push(() => s.close())
    const { events } = client(s.baseUrl)
    await waitFor(() => s.openStreams() === 1, 'stream open')
    const data = (n: number): string =>
      `data: {"channel":"audit","event_type":"x","timestamp":1,"data":{"n":${n}}}\n\n`
    s.writeRaw(`id: 7\n${data(1)}id\n${data(2)}`)
    await waitFor(() => events.length === 2, 'both events')
    s.endStreams()
    await waitFor(() => s.streamRequests.length === 2, 'reconnect')
    expect(s.streamRequests[1]?.lastEventId).toBeNull()
  })

  it('drops a UTF-8 byte order mark before the first field and reads CR-only lines and comments', async () => {
    const frame = (id: number): string =>
      `data: {"channel":"audit","event_type":"bom","timestamp":1,"data":{"n":${id}}}\r: comment\rid: ${id}\revent: x\r\r`
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      // The BOM is the stream's first bytes, right before a field the parser must not misread.
      res.write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(frame(1) + frame(2))]))
    })
    const url = await listenOnLoopback(server)
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        })
    )
    const { events } = client(`${url}/api/neurorail/v1`)
    await waitFor(() => events.length >= 2, 'both events')
    expect(events.slice(0, 2).map((e) => [e.id, e.data.n])).toEqual([
      ['1', 1],
      ['2', 2]
    ])
  })

  it('does not buffer without bound when the backend never ends a line', async () => {
    let written = 0
    let closedAt: number | null = null
    const responses = new Set<ServerResponse>()
    const server = createServer((_req, res) => {
      responses.add(res)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const chunk = `data: ${'z'.repeat(64 * 1024)}`.slice(0, 64 * 1024)
      const pump = (): void => {
        // Stop at 64 MiB: far below the package's default (100M characters), far above ours.
        while (closedAt === null && written < 64 * 1024 * 1024) {
          written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
      }
      res.on('close', () => {
        closedAt ??= written
      })
      pump()
    })
    const url = await listenOnLoopback(server)
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const r of responses) r.destroy()
          server.closeAllConnections()
          server.close(() => resolve())
        })
    )
    const { states } = client(`${url}/api/neurorail/v1`, {
      backoff: { baseDelayMs: 60_000, maxDelayMs: 60_000 }
    })
    await waitFor(() => closedAt !== null, 'the client to give up on the endless line', 20_000)
    expect(states.some((s) => /max buffer size/.test(s.message ?? ''))).toBe(true)
    // What reached the client before it cut: its bound plus what sockets hold in flight.
    expect(closedAt).toBeLessThan(SSE_MAX_BUFFER_CHARS + 16 * 1024 * 1024)
  })

  // The spec (§9.2.3, §9.2.6): `retry:` with ASCII digits only sets the reconnection time, which
  // holds for later connections; the client waits at least that long, within its backoff's cap
  // (a minute here). The delay shows in the state's message ("retrying in … s"): the plan is
  // asserted, not a clock.
  it.each([
    ['honoured (the backoff here is 5 ms)', 'retry: 45000\n\n', 'retrying in 45.0 s'],
    [
      'CRLF, no space after the colon, after a comment',
      ': hi\r\nretry:12000\r\n\r\n',
      'retrying in 12.0 s'
    ],
    ['bounded: days become the cap', 'retry: 999999999999\r\r', 'retrying in 60.0 s'],
    ['never below the backoff: 0 is no hot loop', 'retry: 0\n\n', 'retrying in 0.1 s'],
    ['ignored unless digits only', 'retry: 3s\nretry\nretry: 7 \n\n', 'retrying in 0.1 s']
  ])('waits the reconnection time a server sets with retry: %s', async (_, preamble, plan) => {
    const server = await startSpecSseServer({ ids: 'numeric', preamble })
    cleanups.push(() => server.close())
    server.publish({ n: 1 })
    const { events, states } = client(server.baseUrl, {
      backoff: { baseDelayMs: 5, maxDelayMs: 60_000 }
    })
    await waitFor(() => events.length === 1, 'the first event')
    server.endStreams()
    await waitFor(() => states.some((s) => /retrying in/.test(s.message ?? '')), 'a reconnect plan')
    expect(states.find((s) => /retrying in/.test(s.message ?? ''))?.message).toContain(plan)
  })
})

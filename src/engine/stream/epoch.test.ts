import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CapabilitiesSchema, StreamOpenSchema, type StreamOpen } from '../../shared/neurorail'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'
import { buildFilter } from './filter'

/** The event log's identity: an epoch that survives restarts on the same file and only them. */
describe('event log epoch', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function engine(options: Parameters<typeof startTestEngine>[0] = {}): Promise<TestEngine> {
    const t = await startTestEngine(options)
    cleanups.push(() => t.stop())
    return t
  }

  async function open(
    t: TestEngine,
    headers: Record<string, string> = {},
    query = 'channels=metrics'
  ): Promise<SseReader> {
    const r = new SseReader()
    cleanups.push(() => r.close())
    await r.open(`${t.engine.baseUrl}/stream/events?${query}`, {
      Authorization: `Bearer ${t.engine.adminToken}`,
      ...headers
    })
    expect(r.status).toBe(200)
    await r.waitFor(() => r.opens.length === 1, 5000, 'stream_open frame')
    return r
  }

  const epochOf = async (t: TestEngine): Promise<string> => {
    const caps = CapabilitiesSchema.parse((await t.api('GET', '/capabilities')).body)
    expect(caps.features).toContain('stream_epoch')
    return caps.stream_epoch as string
  }
  const publish = (t: TestEngine, n: number) =>
    t.api('POST', '/stream/publish?channel=metrics&event_type=tick', { n })
  const VIEWER = 'viewer-token-epoch-probe'
  /** An engine with a viewer token and three events, and its epoch. */
  const withViewer = async (): Promise<{ t: TestEngine; epoch: string }> => {
    const t = await engine({ tokens: [{ token: VIEWER, role: 'viewer', name: 'probe' }] })
    const epoch = await epochOf(t)
    for (let n = 1; n <= 3; n++) await publish(t, n)
    return { t, epoch }
  }
  /** The viewer claims to have seen an absurd id of `epoch`; what its stream opens with. */
  const claimBeyond = async (t: TestEngine, epoch: string): Promise<StreamOpen> => {
    const r = await open(t, {
      Authorization: `Bearer ${VIEWER}`,
      'Last-Event-ID': '999999999999999',
      'Last-Event-Epoch': epoch
    })
    r.close()
    return StreamOpenSchema.parse(r.opens[0])
  }

  it('keeps its epoch across a restart on the same file and draws a new one for a new file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cd-epoch-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const first = await startTestEngine({ dir })
    const epoch = await epochOf(first)
    expect(epoch).toMatch(/^[0-9a-f]{16}$/)
    const r = await open(first)
    expect(StreamOpenSchema.parse(r.opens[0])).toMatchObject({ epoch, resume: 'live', after: null })
    r.close()
    await first.stop()
    const again = await startTestEngine({ dir })
    expect(await epochOf(again)).toBe(epoch)
    await again.stop()
    const other = await engine()
    expect(await epochOf(other)).not.toBe(epoch)
  })

  it('resumes within its epoch, and replays the whole log to a resume point from another epoch or none of its ids', async () => {
    const t = await engine()
    const epoch = await epochOf(t)
    for (let n = 1; n <= 4; n++) await publish(t, n)
    const resumed = await open(t, { 'Last-Event-ID': '2', 'Last-Event-Epoch': epoch })
    expect(resumed.opens[0]).toMatchObject({ epoch, resume: 'resumed', after: '2', last_id: '4' })
    await resumed.waitFor(() => resumed.frames.length === 2, 5000, 'events 3 and 4')
    expect(resumed.frames.map((f) => f.id)).toEqual(['3', '4'])

    // The console's resume point from an engine that was replaced (new database, same address).
    const foreign = await open(t, { 'Last-Event-ID': '2', 'Last-Event-Epoch': 'someotherlog' })
    expect(foreign.opens[0]).toMatchObject({ epoch, resume: 'reset', after: '0' })
    expect(foreign.comments.some((c) => c.startsWith('reset: epoch someotherlog'))).toBe(true)
    await foreign.waitFor(() => foreign.frames.length === 4, 5000, 'the whole log')
    expect(foreign.frames.map((f) => f.id)).toEqual(['1', '2', '3', '4'])

    // Another backend's non-numeric id in the header (sent by EventSource on its own) is not an
    // error that would stop the EventSource for good: it is foreign, the whole log follows.
    const nonNumeric = await open(t, { 'Last-Event-ID': 'evt-7f3a' })
    expect(nonNumeric.opens[0]).toMatchObject({ resume: 'reset', after: '0' })
    await nonNumeric.waitFor(() => nonNumeric.frames.length === 4, 5000, 'the whole log')
    expect(
      (
        await t.api('GET', '/stream/events', undefined, {
          headers: { 'Last-Event-Epoch': 'bad epoch!' }
        })
      ).status
    ).toBe(422)
  })

  it('takes a new epoch when a client proves the log was rolled back, and keeps the shared history resumable', async () => {
    const t = await engine()
    const epoch = await epochOf(t)
    for (let n = 1; n <= 3; n++) await publish(t, n)
    // A client saw id 9 of this epoch, but the log ends at 3: restored from a backup after 9 was sent.
    const ahead = await open(t, { 'Last-Event-ID': '9', 'Last-Event-Epoch': epoch })
    const opened = StreamOpenSchema.parse(ahead.opens[0])
    expect(opened).toMatchObject({ resume: 'reset', after: '3', last_id: '3' })
    expect(opened.epoch).not.toBe(epoch)
    expect(await epochOf(t)).toBe(opened.epoch)
    await publish(t, 4)
    await ahead.waitFor(() => ahead.frames.length === 1, 5000, 'the next event')
    expect(ahead.frames.map((f) => f.id)).toEqual(['4'])
    // A client of the old epoch that had seen only the shared part resumes normally.
    const behind = await open(t, { 'Last-Event-ID': '2', 'Last-Event-Epoch': epoch })
    expect(behind.opens[0]).toMatchObject({ epoch: opened.epoch, resume: 'resumed', after: '2' })
    await behind.waitFor(() => behind.frames.length === 2, 5000, 'events 3 and 4')
    // Beyond the fork point the old epoch's ids meant other events: replay everything.
    const past = await open(t, { 'Last-Event-ID': '4', 'Last-Event-Epoch': epoch })
    expect(past.opens[0]).toMatchObject({ resume: 'reset', after: '0' })
    // Anyone can claim to be ahead, but only of the epoch the engine found when it opened the
    // log: a rollback needs the log closed. The epoch this run drew has issued every id a client
    // can have seen of it, so a claim beyond it is refuted without a second fork.
    const refuted = await open(t, { 'Last-Event-ID': '99', 'Last-Event-Epoch': opened.epoch })
    expect(refuted.opens[0]).toMatchObject({ epoch: opened.epoch, resume: 'reset', after: '4' })
    expect(await epochOf(t)).toBe(opened.epoch)
    // After a restart that epoch is the one found at the start, and a claim beyond it forks (a
    // backup restored while the engine was down); clients of every earlier epoch keep their
    // resume point, read back from the file.
    const dir = t.dir
    await t.engine.close()
    const again = await startTestEngine({ dir })
    cleanups.push(() => again.engine.close())
    expect(await epochOf(again)).toBe(opened.epoch)
    const second = await open(again, { 'Last-Event-ID': '99', 'Last-Event-Epoch': opened.epoch })
    const third = StreamOpenSchema.parse(second.opens[0]).epoch
    expect(third).not.toBe(opened.epoch)
    const first = await open(again, { 'Last-Event-ID': '3', 'Last-Event-Epoch': epoch })
    expect(first.opens[0]).toMatchObject({ epoch: third, resume: 'resumed', after: '3' })
    const middle = await open(again, { 'Last-Event-ID': '4', 'Last-Event-Epoch': opened.epoch })
    expect(middle.opens[0]).toMatchObject({ epoch: third, resume: 'resumed', after: '4' })
  })

  it("does not fork again for claims against an epoch that has issued nothing yet (a viewer cannot evict the console's epoch)", async () => {
    const { t, epoch } = await withViewer()
    // A viewer claims, over and over, to be ahead of whatever epoch the log has now: more claims
    // than the log remembers earlier epochs. Before, each one forked the log (a durable write by a
    // read-only token) and the 65th pushed the console's epoch out, so the console's next
    // reconnect replayed the whole log and showed every event twice.
    let current = epoch
    const seen = new Set<string>()
    for (let i = 0; i < 70; i++) {
      const opened = await claimBeyond(t, current)
      expect(opened).toMatchObject({ resume: 'reset', after: '3' })
      current = opened.epoch
      seen.add(current)
    }
    // One fork at most: the epoch drawn then has issued no id past its start, so no client can
    // have seen one, and a claim against it is answered without forking again.
    expect(seen.size).toBe(1)
    const consoleStream = await open(t, { 'Last-Event-ID': '3', 'Last-Event-Epoch': epoch })
    expect(consoleStream.opens[0]).toMatchObject({ epoch: current, resume: 'resumed', after: '3' })
  })

  it('is not forked by a stream request refused for want of a slot', async () => {
    const t = await engine({
      sseMaxStreamsPerToken: 1,
      tokens: [{ token: VIEWER, role: 'viewer', name: 'probe' }]
    })
    const epoch = await epochOf(t)
    await publish(t, 1)
    // The viewer's one slot is taken; its next request claims to be ahead and must be refused
    // before the claim is weighed.
    await open(t, { Authorization: `Bearer ${VIEWER}` })
    const refused = new SseReader()
    cleanups.push(() => refused.close())
    await refused.open(`${t.engine.baseUrl}/stream/events?channels=metrics`, {
      Authorization: `Bearer ${VIEWER}`,
      'Last-Event-ID': '999999999999999',
      'Last-Event-Epoch': epoch
    })
    expect(refused.status).toBe(429)
    expect(await epochOf(t)).toBe(epoch)
  })

  it('is forked at most once per start of the engine, however many events come between claims', async () => {
    const { t, epoch } = await withViewer()
    // A busy engine: a new event before every claim. Before, each claim found an epoch that had
    // issued ids since its fork, and forked it again: one fork per new event.
    const seen = new Set<string>()
    for (let i = 0, current = epoch; i < 8; i++) {
      await publish(t, 10 + i)
      const opened = await claimBeyond(t, current)
      expect(opened).toMatchObject({ resume: 'reset', after: String(4 + i) })
      current = opened.epoch
      seen.add(current)
    }
    expect(seen.size).toBe(1)
    expect(seen.has(epoch)).toBe(false)
  })

  it('ends the streams open at a fork, and they resume in the new epoch without a replay', async () => {
    const t = await engine()
    const epoch = await epochOf(t)
    const live = await open(t)
    for (let n = 1; n <= 3; n++) await publish(t, n)
    await live.waitFor(() => live.frames.length === 3, 5000, 'three events')
    const claim = await open(t, { 'Last-Event-ID': '99', 'Last-Event-Epoch': epoch })
    const forked = StreamOpenSchema.parse(claim.opens[0]).epoch
    expect(forked).not.toBe(epoch)
    // Before, the stream went on, and labelled the next events with the epoch it opened in: its
    // next resume (id 4 of the old epoch, past the fork point) replayed the whole log.
    await live.waitFor(() => live.ended, 5000, 'the stream to end')
    expect(live.comments).toContain(
      'closed: the event log took a new epoch; reconnect to resume in it'
    )
    await publish(t, 4)
    const back = await open(t, { 'Last-Event-ID': '3', 'Last-Event-Epoch': epoch })
    expect(back.opens[0]).toMatchObject({ epoch: forked, resume: 'resumed', after: '3' })
    await back.waitFor(() => back.frames.length === 1, 5000, 'event 4')
    expect(back.frames.map((f) => f.id)).toEqual(['4'])
  })

  it('starts a stream opened while events are in flight before them, and never reads them early', async () => {
    const t = await engine()
    const { store, events, hub } = t.engine.services
    await publish(t, 1)
    let readEarly: number[] = []
    let endSeen = -1
    // What GET /stream/events does, in the turn of a write whose batch has not committed yet
    // (ids are handed out at publish, the commit runs at the end of the turn).
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      store.transaction(() => events.publishExternal('metrics', 'in_flight', { n: 2 }))
      readEarly = events.readAfter(0, 10).map((e) => e.id)
      endSeen = events.lastId()
      const plan = events.identity.plan({ lastEventId: null, epoch: null }, events.lastId(), () =>
        events.oldestId()
      )
      hub.subscribe(res, buildFilter(['metrics'], [], []), plan.after)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        })
    )
    const r = new SseReader()
    cleanups.push(() => r.close())
    await r.open(`http://127.0.0.1:${port}/`)
    // Before, the stream started at the in-flight id and so never sent that event.
    await r.waitFor(() => r.frames.length === 1, 5000, 'the event in flight')
    expect(r.frames.map((f) => [f.id, f.event])).toEqual([['2', 'in_flight']])
    expect(readEarly).toEqual([1])
    expect(endSeen).toBe(1)
    expect(events.lastId()).toBe(2)
  })
})

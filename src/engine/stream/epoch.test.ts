import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CapabilitiesSchema, StreamOpenSchema } from '../../shared/neurorail'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'

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
    // Anyone can claim to be ahead and fork the log again: clients of every earlier epoch keep
    // their resume point, also after a restart.
    const second = await open(t, { 'Last-Event-ID': '99', 'Last-Event-Epoch': opened.epoch })
    const third = StreamOpenSchema.parse(second.opens[0]).epoch
    expect(third).not.toBe(opened.epoch)
    const dir = t.dir
    second.close()
    await t.engine.close()
    const again = await startTestEngine({ dir })
    cleanups.push(() => again.engine.close())
    expect(await epochOf(again)).toBe(third)
    const first = await open(again, { 'Last-Event-ID': '3', 'Last-Event-Epoch': epoch })
    expect(first.opens[0]).toMatchObject({ epoch: third, resume: 'resumed', after: '3' })
    const middle = await open(again, { 'Last-Event-ID': '4', 'Last-Event-Epoch': opened.epoch })
    expect(middle.opens[0]).toMatchObject({ epoch: third, resume: 'resumed', after: '4' })
  })
  it("does not fork again for claims against an epoch that has issued nothing yet (a viewer cannot evict the console's epoch)", async () => {
    const VIEWER = 'viewer-token-epoch-probe'
    const t = await engine({ tokens: [{ token: VIEWER, role: 'viewer', name: 'probe' }] })
    const epoch = await epochOf(t)
    for (let n = 1; n <= 3; n++) await publish(t, n)
    // A viewer claims, over and over, to be ahead of whatever epoch the log has now: more claims
    // than the log remembers earlier epochs. Before, each one forked the log (a durable write by a
    // read-only token) and the 65th pushed the console's epoch out, so the console's next
    // reconnect replayed the whole log and showed every event twice.
    let current = epoch
    const seen = new Set<string>()
    for (let i = 0; i < 70; i++) {
      const r = new SseReader()
      await r.open(`${t.engine.baseUrl}/stream/events?channels=metrics`, {
        Authorization: `Bearer ${VIEWER}`,
        'Last-Event-ID': '999999999999999',
        'Last-Event-Epoch': current
      })
      await r.waitFor(() => r.opens.length === 1, 5000, 'stream_open frame')
      const opened = StreamOpenSchema.parse(r.opens[0])
      expect(opened).toMatchObject({ resume: 'reset', after: '3' })
      current = opened.epoch
      seen.add(current)
      r.close()
    }
    // One fork at most: the epoch drawn then has issued no id past its start, so no client can
    // have seen one, and a claim against it is answered without forking again.
    expect(seen.size).toBe(1)
    const consoleStream = await open(t, { 'Last-Event-ID': '3', 'Last-Event-Epoch': epoch })
    expect(consoleStream.opens[0]).toMatchObject({ epoch: current, resume: 'resumed', after: '3' })
  })
})

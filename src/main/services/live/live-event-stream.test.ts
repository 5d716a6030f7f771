import { afterEach, describe, expect, it } from 'vitest'
import { startFaultProxy, seededRandom, type Fault, type FaultProxy } from '../testing/fault-proxy'
import { startSseTestServer, type SseTestServer } from '../testing/sse-test-server'
import { recordingLiveClient } from '../testing/live-client'
import { waitFor } from '../testing/wait'
import { TOO_DEEP_MARKER } from './frame'
import type { LiveEventStreamOptions } from './live-event-stream'

const PREFIX = '/api/neurorail/v1'

describe('LiveEventStream over SSE', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function server(
    options: Parameters<typeof startSseTestServer>[0] = {}
  ): Promise<SseTestServer> {
    const s = await startSseTestServer(options)
    cleanups.push(() => s.close())
    return s
  }

  async function proxy(
    target: SseTestServer,
    plan: (i: number, path: string) => Fault
  ): Promise<FaultProxy> {
    const p = await startFaultProxy(target.url, plan)
    cleanups.push(() => p.close())
    return p
  }

  const client = (baseUrl: string, extra: Partial<LiveEventStreamOptions> = {}) =>
    recordingLiveClient(baseUrl, cleanups, extra)

  it('delivers named events with their ids, sends the bearer token and reports live', async () => {
    const s = await server({ token: 'sekret' })
    const { events, states, stream } = client(s.baseUrl, { token: 'sekret' })
    await waitFor(() => s.openStreams() === 1, 'stream open')
    s.publish('lifecycle', 'state_transition', { entity_id: 'j_000000000001', to_state: 'running' })
    s.publish('reflex', 'circuit_state_changed', {
      circuit_id: 'c1',
      to_state: 'open',
      failure_count: 3,
      success_count: 0
    })
    await waitFor(() => events.length === 2, 'two events')
    expect(events.map((e) => [e.id, e.channel, e.event_type])).toEqual([
      ['1', 'lifecycle', 'state_transition'],
      ['2', 'reflex', 'circuit_state_changed']
    ])
    expect(s.streamRequests[0]?.authorization).toBe('Bearer sekret')
    expect(states.map((x) => x.status)).toContain('live')
    expect(stream.currentState.lastEventAt).not.toBeNull()
  })

  it('reports auth_failed on 401 and does not retry', async () => {
    const s = await server({ token: 'right' })
    const { states } = client(s.baseUrl, { token: 'wrong' })
    await waitFor(() => states.some((x) => x.status === 'auth_failed'), 'auth_failed')
    await new Promise((r) => setTimeout(r, 150))
    expect(s.streamRequests).toHaveLength(1)
  })

  it('reconnects after the server ends the stream and resumes with Last-Event-ID, without duplicates', async () => {
    const s = await server()
    const { events } = client(s.baseUrl, { lastEventId: '2' })
    s.publish('audit', 'a', {})
    s.publish('audit', 'b', {})
    s.publish('audit', 'c', {})
    await waitFor(() => s.openStreams() === 1, 'stream open')
    expect(s.streamRequests[0]?.lastEventId).toBe('2')
    await waitFor(() => events.length === 1, 'backlog after resume point')
    s.endStreams()
    await waitFor(() => s.openStreams() === 1 && s.streamRequests.length === 2, 'reconnect')
    expect(s.streamRequests[1]?.lastEventId).toBe('3')
    s.publish('audit', 'd', {})
    await waitFor(() => events.length === 2, 'event after reconnect')
    expect(events.map((e) => e.id)).toEqual(['3', '4'])
  })

  it('detects a stalled connection by heartbeat timeout and reconnects', async () => {
    const s = await server({ heartbeatMs: 50 })
    const p = await proxy(s, (i) =>
      i === 0 ? { kind: 'stall', afterBytes: 40, ms: 10_000 } : { kind: 'pass' }
    )
    const { events, stream } = client(p.url + PREFIX, { heartbeatTimeoutMs: 300 })
    await waitFor(() => s.openStreams() >= 1, 'first stream')
    s.publish('metrics', 'tick', { n: 1 })
    await waitFor(() => events.length === 1, 'event after the stall', 5000)
    expect(stream.stats().heartbeatTimeouts).toBeGreaterThanOrEqual(1)
    expect(p.applied[0]?.fault.kind).toBe('stall')
    // Heartbeats keep a healthy but quiet connection alive: no further timeouts.
    const timeouts = stream.stats().heartbeatTimeouts
    // Quiet for longer than the 300 ms timeout, counted in heartbeats rather than slept.
    const connects = stream.stats().connects
    const sent = s.heartbeatsSent()
    await waitFor(() => s.heartbeatsSent() >= sent + 8, 'eight more heartbeats', 5000)
    expect(stream.stats().connects).toBe(connects)
    expect(stream.stats().heartbeatTimeouts).toBe(timeouts)
  })

  it('delivers every event exactly once and in order across 50 random mid-frame cuts', async () => {
    const s = await server()
    const random = seededRandom(4242)
    const p = await proxy(s, (i) =>
      i < 50 ? { kind: 'cut', afterBytes: 1 + Math.floor(random() * 1500) } : { kind: 'pass' }
    )
    const { events, stream } = client(p.url + PREFIX)
    const total = 400
    for (let n = 1; n <= total; n++) {
      s.publish(n % 2 ? 'lifecycle' : 'audit', 'evt', { n, pad: 'x'.repeat(n % 97) })
      if (n % 10 === 0) await new Promise((r) => setTimeout(r, 3))
    }
    await waitFor(
      () => events.length >= total && p.applied.length > 50,
      'all events through 50 cuts',
      20_000
    )
    await new Promise((r) => setTimeout(r, 50))
    expect(p.applied.filter((a) => a.fault.kind === 'cut')).toHaveLength(50)
    expect(events.map((e) => Number(e.id))).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect(events.map((e) => e.data.n)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect(stream.stats().connects).toBeGreaterThan(50)
  })

  it('survives 5xx answers, garbage frames, stalls and cuts mixed, counting the garbage', async () => {
    const s = await server({ heartbeatMs: 40 })
    const random = seededRandom(7)
    const p = await proxy(s, (i) => {
      if (i >= 30) return { kind: 'pass' }
      const r = random()
      if (r < 0.25) return { kind: 'status', status: 503 }
      if (r < 0.5) return { kind: 'garbage', everyFrames: 1 + Math.floor(random() * 3) }
      if (r < 0.6) return { kind: 'stall', afterBytes: Math.floor(random() * 800), ms: 5000 }
      return { kind: 'cut', afterBytes: Math.floor(random() * 800) }
    })
    const { events, stream, states } = client(p.url + PREFIX, { heartbeatTimeoutMs: 250 })
    const total = 300
    const publisher = (async () => {
      for (let n = 1; n <= total; n++) {
        s.publish('enforcement', 'cost_tracked', { n })
        if (n % 5 === 0) await new Promise((r) => setTimeout(r, 8))
      }
    })()
    // Garbage connections end only when the server ends them; do so now and then.
    const ender = setInterval(() => s.endStreams(), 300)
    cleanups.push(async () => clearInterval(ender))
    await publisher
    await waitFor(
      () => events.length >= total && p.applied.length > 30,
      'all events through mixed faults',
      30_000
    )
    clearInterval(ender)
    expect(events.map((e) => Number(e.id))).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    const kinds = new Set(p.applied.slice(0, 30).map((a) => a.fault.kind))
    expect(kinds).toEqual(new Set(['status', 'garbage', 'stall', 'cut']))
    expect(stream.stats().invalid).toBeGreaterThan(0)
    expect(states.some((x) => x.status === 'offline' || x.status === 'connecting')).toBe(true)
  })

  it('never crashes on hostile payloads: huge strings, markup, deep nesting, oversize frames', async () => {
    const s = await server()
    const { events, stream } = client(s.baseUrl)
    await waitFor(() => s.openStreams() === 1, 'stream open')
    const huge = 'A'.repeat(600_000)
    s.publish('audit', 'huge', { message: huge })
    s.publish('audit', 'xss', { message: '<script>alert(1)</script><img src=x onerror=alert(2)>' })
    // 5000 levels: too deep even for the test server's JSON.stringify, so written raw.
    const deep = `${'{"d":'.repeat(5000)}1${'}'.repeat(5000)}`
    s.writeRaw(
      `event: deep\ndata: {"channel":"audit","event_type":"deep","timestamp":1,"data":${deep}}\n\n`
    )
    s.publish('audit', 'oversize', { message: 'B'.repeat(1_200_000) })
    s.writeRaw(`id: 999\nevent: deep\ndata: ${'['.repeat(200_000)}\n\n`)
    s.publish('audit', 'after', { ok: true })
    await waitFor(
      () => events.some((e) => e.event_type === 'after'),
      'the event after the hostile ones',
      10_000
    )
    // The deep event is kept with its deep part cut (see frame.ts); the oversize frame and the
    // unparseable one are counted.
    expect(events.map((e) => e.event_type)).toEqual(['huge', 'xss', 'deep', 'after'])
    expect(events[0]?.data.message).toBe(huge)
    expect(events[1]?.data.message).toBe('<script>alert(1)</script><img src=x onerror=alert(2)>')
    expect(JSON.stringify(events[2])).toContain(TOO_DEEP_MARKER)
    expect(stream.stats()).toMatchObject({ invalid: 2, truncated: 1 })
  })

  it('goes offline with the time of the last data when the backend disappears, and back live', async () => {
    const s = await server()
    const p = await proxy(s, (i) =>
      i >= 1 && i < 6 ? { kind: 'status', status: 502 } : { kind: 'pass' }
    )
    const { events, states } = client(p.url + PREFIX, {
      backoff: { baseDelayMs: 20, maxDelayMs: 40 }
    })
    await waitFor(() => s.openStreams() === 1, 'stream open')
    s.publish('audit', 'a', {})
    await waitFor(() => events.length === 1, 'one event')
    s.endStreams()
    await waitFor(() => states.some((x) => x.status === 'offline'), 'offline')
    const offline = states.find((x) => x.status === 'offline')
    expect(offline?.lastEventAt).toBeGreaterThan(0)
    expect(offline?.message).toMatch(/HTTP 502/)
    await waitFor(() => states[states.length - 1]?.status === 'live', 'live again', 5000)
    s.publish('audit', 'b', {})
    await waitFor(() => events.length === 2, 'the next event')
    expect(events.map((e) => e.id)).toEqual(['1', '2'])
  })

  it('assigns local ids to id-less frames (the real BRAiN) and keeps them unique', async () => {
    const s = await server({ withIds: false })
    const { events } = client(s.baseUrl)
    await waitFor(() => s.openStreams() === 1, 'stream open')
    for (let i = 0; i < 3; i++)
      s.publish('lifecycle', 'state_transition', {
        entity_id: 'j_000000000001',
        to_state: 'running'
      })
    await waitFor(() => events.length === 3, 'three events')
    expect(events.every((e) => e.id.startsWith('local:'))).toBe(true)
    expect(new Set(events.map((e) => e.id)).size).toBe(3)
  })

  it('applies the filter on the server query and again locally', async () => {
    const s = await server()
    const { events } = client(s.baseUrl, {
      filter: { channels: ['lifecycle'], entityIds: ['j_000000000002'] }
    })
    await waitFor(() => s.openStreams() === 1, 'stream open')
    s.publish('lifecycle', 'state_transition', { entity_id: 'j_000000000001' })
    s.publish('audit', 'x', { job_id: 'j_000000000002' })
    s.publish('lifecycle', 'state_transition', { entity_id: 'j_000000000002' })
    await waitFor(() => events.length === 1, 'the matching event')
    await new Promise((r) => setTimeout(r, 50))
    expect(events.map((e) => e.id)).toEqual(['3'])
  })
})

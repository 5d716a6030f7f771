import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PublishResponseSchema,
  StreamEventSchema,
  StreamStatsSchema,
  ValidationErrorBodySchema
} from '../../shared/neurorail'
import { createChain, startTestEngine, type TestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'

describe('SSE stream', () => {
  let t: TestEngine
  const readers: SseReader[] = []
  const open = async (
    query = '',
    headers: Record<string, string> = {},
    token: string | null = null
  ): Promise<SseReader> => {
    const r = new SseReader()
    readers.push(r)
    const sep = query ? '&' : ''
    const auth: Record<string, string> =
      token === null ? { Authorization: `Bearer ${t.engine.adminToken}` } : {}
    await r.open(
      `${t.engine.baseUrl}/stream/events?${query}${token ? `${sep}access_token=${token}` : ''}`,
      { ...auth, ...headers }
    )
    await r.waitFor(() => r.comments.includes('connected'), 5000, 'connected comment')
    return r
  }
  const publish = (channel: string, type: string, data: Record<string, unknown>) =>
    t.api('POST', `/stream/publish?channel=${channel}&event_type=${type}`, data)

  beforeAll(async () => {
    t = await startTestEngine({ heartbeatMs: 100 })
  })
  afterAll(async () => {
    for (const r of readers) r.close()
    await t.stop()
  })

  it('sends §6 frames with a monotonic id on every event and the SSE headers', async () => {
    const r = await open()
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(r.headers['cache-control']).toBe('no-cache')
    expect(r.headers['x-accel-buffering']).toBe('no')
    for (let i = 0; i < 3; i++)
      expect((await publish('metrics', 'tick', { n: i })).status).toBe(200)
    await r.waitFor(() => r.frames.length >= 3, 5000, '3 frames')
    const ids = r.frames.map((f) => Number(f.id))
    expect(ids[1]).toBeGreaterThan(ids[0]!)
    expect(ids[2]).toBeGreaterThan(ids[1]!)
    for (const f of r.frames) {
      expect(f.event).toBe('tick')
      const ev = StreamEventSchema.parse(JSON.parse(f.data))
      expect(ev.id).toBe(f.id)
      expect(ev.channel).toBe('metrics')
      expect(Object.keys(JSON.parse(f.data))).toEqual([
        'channel',
        'event_type',
        'timestamp',
        'data',
        'id'
      ])
    }
    expect(r.payloads().map((p) => p.data.n)).toEqual([0, 1, 2])
    r.close()
  })

  it('publishes lifecycle and audit events for transitions', async () => {
    const c = await createChain(t)
    const r = await open('channels=lifecycle')
    await t.api('POST', `/lifecycle/job/${c.jobId}/transition`, { transition: 'create' })
    await r.waitFor(() => r.frames.length >= 1, 5000, 'lifecycle frame')
    const p = r.payloads()[0]!
    expect(p.channel).toBe('lifecycle')
    expect(p.event_type).toBe('state_transition')
    expect(p.data).toMatchObject({
      entity_id: c.jobId,
      from_state: null,
      to_state: 'pending',
      mission_id: c.missionId
    })
    r.close()
  })

  it('filters by channel, event type and entity id (including data.entity_id) without duplicates for all+channel', async () => {
    const both = await open('channels=all&channels=audit')
    const audit = await open('channels=audit')
    const types = await open('event_types=wanted')
    const entity = await open('entity_ids=x_target')
    await publish('audit', 'wanted', { entity_id: 'x_target' })
    await publish('metrics', 'other', { job_id: 'x_target' })
    await publish('governor', 'wanted', { mission_id: 'x_else' })
    await both.waitFor(() => both.frames.length >= 3, 5000, 'three frames on all')
    await audit.waitFor(() => audit.frames.length >= 1)
    await types.waitFor(() => types.frames.length >= 2)
    await entity.waitFor(() => entity.frames.length >= 2)
    // One more event on every channel flushes anything a wrong filter would have let through.
    await publish('signals', 'fence', {})
    await both.waitFor(() => both.frames.some((f) => f.event === 'fence'))
    await new Promise((r) => setTimeout(r, 50))
    expect(both.frames.map((f) => f.event)).toEqual(['wanted', 'other', 'wanted', 'fence'])
    expect(audit.frames.map((f) => f.event)).toEqual(['wanted'])
    expect(types.payloads().map((p) => p.channel)).toEqual(['audit', 'governor'])
    expect(entity.payloads().map((p) => p.channel)).toEqual(['audit', 'metrics'])
    for (const r of [both, audit, types, entity]) r.close()
  })

  it('an entity filter matches resource_uuid as the console does', async () => {
    const entity = await open('entity_ids=res_target')
    await publish('audit', 'resource_event', { resource_uuid: 'res_target' })
    await publish('signals', 'fence', { resource_uuid: 'res_other' })
    await publish('signals', 'fence', { entity_id: 'res_target' })
    await entity.waitFor(() => entity.frames.some((f) => f.event === 'fence'), 5000, 'fence')
    expect(entity.payloads().map((p) => p.event_type)).toEqual(['resource_event', 'fence'])
    entity.close()
  })

  it('resumes from Last-Event-ID (header or query) with exactly the missed events', async () => {
    const r1 = await open('channels=metrics')
    await publish('metrics', 'before', { i: 0 })
    await publish('metrics', 'before', { i: 1 })
    await r1.waitFor(() => r1.frames.length >= 2)
    const lastSeen = r1.frames[1]!.id as string
    r1.close()
    // Missed while disconnected: 5 metrics events and some noise on other channels.
    for (let i = 0; i < 5; i++) {
      await publish('metrics', 'missed', { i })
      await publish('audit', 'noise', { i })
    }
    const r2 = await open('channels=metrics', { 'Last-Event-ID': lastSeen })
    await r2.waitFor(() => r2.frames.length >= 5, 5000, '5 replayed frames')
    await publish('metrics', 'live', { i: 99 })
    await r2.waitFor(() => r2.frames.length >= 6, 5000, 'live frame after replay')
    expect(r2.frames.map((f) => f.event)).toEqual([
      'missed',
      'missed',
      'missed',
      'missed',
      'missed',
      'live'
    ])
    expect(
      r2
        .payloads()
        .slice(0, 5)
        .map((p) => p.data.i)
    ).toEqual([0, 1, 2, 3, 4])
    const ids = r2.frames.map((f) => Number(f.id))
    expect(ids.every((id) => id > Number(lastSeen))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    r2.close()

    const r3 = await open(`channels=metrics&lastEventId=${lastSeen}`)
    await r3.waitFor(() => r3.frames.length >= 6, 5000, 'query resume')
    expect(r3.frames.map((f) => f.id)).toEqual(r2.frames.map((f) => f.id))
    r3.close()

    // An id from the future without an epoch (another log's, a reset database's) cannot name
    // anything this client saw here: the whole log follows, and the stream says it was reset.
    const ahead = await open('channels=metrics&lastEventId=999999999')
    expect(ahead.comments.some((c) => c.startsWith('reset:'))).toBe(true)
    expect(ahead.opens[0]).toMatchObject({ resume: 'reset', after: '0' })
    await publish('metrics', 'after_reset', {})
    await ahead.waitFor(
      () => ahead.frames.some((f) => f.event === 'after_reset'),
      5000,
      'frame after reset'
    )
    const replayed = ahead.frames.map((f) => f.event)
    expect(replayed[0]).toBe('tick')
    expect(replayed.slice(-9)).toEqual([
      'before',
      'before',
      ...r2.frames.map((f) => f.event),
      'after_reset'
    ])
    ahead.close()

    const bad = await t.api('GET', '/stream/events?lastEventId=abc')
    expect(bad.status).toBe(422)
    ValidationErrorBodySchema.parse(bad.body)
  })

  it('sends a comment heartbeat', async () => {
    const r = await open()
    await r.waitFor(() => r.comments.includes('heartbeat'), 5000, 'heartbeat')
    r.close()
  })

  it('accepts ?access_token= (EventSource cannot send headers) and refuses no token', async () => {
    const r = await open('', {}, t.engine.adminToken)
    expect(r.status).toBe(200)
    r.close()
    const denied = await t.api('GET', '/stream/events', undefined, { token: null })
    expect(denied.status).toBe(401)
    // The query token is only honoured on the stream route.
    const elsewhere = await t.api(
      'GET',
      `/capabilities?access_token=${t.engine.adminToken}`,
      undefined,
      { token: null }
    )
    expect(elsewhere.status).toBe(401)
  })

  it('reports stats, validates publish, and clears the log', async () => {
    const r = await open('channels=reflex')
    const stats = StreamStatsSchema.parse((await t.api('GET', '/stream/stats')).body)
    expect(stats.total_subscribers).toBeGreaterThanOrEqual(1)
    expect(stats.subscribers_by_channel.reflex).toBeGreaterThanOrEqual(1)
    expect(stats.total_events_published).toBeGreaterThan(0)
    expect(Object.keys(stats.buffer_sizes).sort()).toEqual([
      'audit',
      'enforcement',
      'governor',
      'lifecycle',
      'metrics',
      'reflex',
      'signals'
    ])
    const ok = await publish('reflex', 'circuit_state_changed', {
      circuit_id: 'c1',
      to_state: 'open',
      failure_count: 5,
      success_count: 0
    })
    expect(PublishResponseSchema.parse(ok.body)).toEqual({
      success: true,
      channel: 'reflex',
      event_type: 'circuit_state_changed'
    })
    const bad = await publish('nope', 'x', {})
    expect(bad.status).toBe(422)
    const notObject = await t.api('POST', '/stream/publish?channel=audit&event_type=x', [1, 2])
    expect(notObject.status).toBe(422)
    const cleared = await t.api('DELETE', '/stream/buffers')
    expect(cleared.body.success).toBe(true)
    expect(
      StreamStatsSchema.parse((await t.api('GET', '/stream/stats')).body).buffer_sizes.reflex
    ).toBe(0)
    r.close()
    // A resume from before the cleared range says so, then delivers what the log still has.
    await publish('reflex', 'after_clear', {})
    const resumed = await open('channels=reflex&lastEventId=0')
    await resumed.waitFor(() => resumed.frames.length >= 1, 5000, 'frame after clear')
    expect(resumed.comments.some((c) => c.startsWith('gap: events 1..'))).toBe(true)
    expect(resumed.frames.map((f) => f.event)).toEqual(['after_clear'])
    resumed.close()
  })
})

describe('slow subscribers and shutdown', () => {
  it('bounds a subscriber that stops reading and drops it, while a reading one gets everything', async () => {
    const t = await startTestEngine({
      sseMaxQueueBytes: 256 * 1024,
      sseStallTimeoutMs: 500,
      heartbeatMs: 0
    })
    const fast = new SseReader()
    try {
      // History from before the subscriptions: falling behind must never replay it to them.
      t.engine.services.store.transaction(() => {
        for (let i = 0; i < 50; i++)
          t.engine.services.events.publishExternal('metrics', 'old', { i })
      })
      await t.engine.services.store.committed()
      await fast.open(`${t.engine.baseUrl}/stream/events?channels=metrics`, {
        Authorization: `Bearer ${t.engine.adminToken}`
      })
      // A raw socket that sends the request and then never reads a byte.
      const url = new URL(t.engine.baseUrl)
      const stalled = connect({ host: url.hostname, port: Number(url.port) })
      stalled.pause()
      stalled.write(
        `GET ${url.pathname}/stream/events?channels=metrics HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${t.engine.adminToken}\r\n\r\n`
      )
      await expect
        .poll(() => t.engine.services.hub.counters().subscribers, { timeout: 5000 })
        .toBe(2)
      const blob = 'x'.repeat(4096)
      const total = 2000
      t.engine.services.store.transaction(() => {
        for (let i = 0; i < total; i++)
          t.engine.services.events.publishExternal('metrics', 'bulk', { i, blob })
      })
      await fast.waitFor(
        () => fast.frames.length >= total,
        20_000,
        'all frames on the fast subscriber'
      )
      // The burst (8 MB) overflowed both in-memory queues: both fell back to the durable log.
      expect(t.engine.services.hub.counters().demoted).toBeGreaterThanOrEqual(2)
      await expect.poll(() => t.engine.services.hub.counters().dropped, { timeout: 10_000 }).toBe(1)
      let text = ''
      stalled.on('data', (d: Buffer) => (text += d.toString()))
      stalled.resume()
      await expect
        .poll(() => text.includes(': dropped: subscriber stopped reading'), { timeout: 5000 })
        .toBe(true)
      expect(fast.frames.every((f) => f.event === 'bulk')).toBe(true)
      expect(fast.payloads().map((p) => p.data.i)).toEqual(
        Array.from({ length: total }, (_, i) => i)
      )
      expect(t.engine.services.hub.counters().subscribers).toBe(1)
      stalled.destroy()
    } finally {
      fast.close()
      await t.stop()
    }
  })

  it('refuses subscribers beyond the cap with 503 and Retry-After', async () => {
    const t = await startTestEngine({ sseMaxSubscribers: 1 })
    const r = new SseReader()
    try {
      await r.open(`${t.engine.baseUrl}/stream/events`, {
        Authorization: `Bearer ${t.engine.adminToken}`
      })
      const second = await t.api('GET', '/stream/events')
      expect(second.status).toBe(503)
      expect(second.headers.get('retry-after')).toBe('5')
    } finally {
      r.close()
      await t.stop()
    }
  })

  it('ends open streams with a closing comment on graceful shutdown', async () => {
    const t = await startTestEngine()
    const r = new SseReader()
    await r.open(`${t.engine.baseUrl}/stream/events`, {
      Authorization: `Bearer ${t.engine.adminToken}`
    })
    await r.waitFor(() => r.comments.includes('connected'))
    await t.stop()
    await r.waitFor(() => r.ended, 5000, 'stream end')
    expect(r.comments.some((c) => c.startsWith('closed:'))).toBe(true)
  })
})

describe('EventSource client', () => {
  it('reconnects by itself with Last-Event-ID and receives exactly the missed events', async () => {
    const { EventSource } = await import('eventsource')
    const t = await startTestEngine()
    const received: Array<{ id: string; n: number }> = []
    const es = new EventSource(
      `${t.engine.baseUrl}/stream/events?channels=metrics&access_token=${t.engine.adminToken}`
    )
    try {
      es.addEventListener('tick', (ev) =>
        received.push({
          id: ev.lastEventId,
          n: (JSON.parse(ev.data) as { data: { n: number } }).data.n
        })
      )
      await new Promise<void>((resolve, reject) => {
        es.onopen = () => resolve()
        es.onerror = (e) => reject(new Error(`EventSource error: ${e.message ?? ''}`))
      })
      es.onerror = null
      const publish = (n: number) =>
        t.api('POST', '/stream/publish?channel=metrics&event_type=tick', { n })
      await publish(0)
      await publish(1)
      await expect.poll(() => received.length, { timeout: 5000 }).toBe(2)
      // The engine ends every stream (as on a restart); the client is gone while 3 more happen.
      t.engine.services.hub.close('test disconnect')
      for (const n of [2, 3, 4]) await publish(n)
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(5)
      expect(received.map((r) => r.n)).toEqual([0, 1, 2, 3, 4])
      expect(new Set(received.map((r) => r.id)).size).toBe(5)
    } finally {
      es.close()
      await t.stop()
    }
  })
})

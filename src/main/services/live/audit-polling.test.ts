import { afterEach, describe, expect, it } from 'vitest'
import type { LiveEvent } from '../../../shared/console/domains/live'
import { MAX_EVENT_DEPTH } from '../../../shared/neurorail/limits'
import { BackendClient } from '../client/backend-client'
import { startFakeBrain, type FakeBrain } from '../client/testing/fake-brain'
import { recordingLiveClient } from '../testing/live-client'
import { startSseTestServer } from '../testing/sse-test-server'
import { waitFor } from '../testing/wait'
import { TOO_DEEP_MARKER } from './frame'

/** Polling fallback against a BRAiN stand-in (no stream router, audit query with its 500 bug). */
describe('LiveEventStream polling fallback', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function brain(): Promise<FakeBrain> {
    const b = await startFakeBrain()
    cleanups.push(() => b.close())
    return b
  }

  function client(baseUrl: string, hasStream: boolean, lastEventId: string | null = null) {
    const backend = new BackendClient(baseUrl, null, { retries: 0 })
    return recordingLiveClient(backend.apiBaseUrl, cleanups, {
      hasStream,
      lastEventId,
      poll: { queryAudit: (body) => backend.queryAudit(body) },
      pollIntervalMs: 30,
      backoff: { baseDelayMs: 10, maxDelayMs: 50 }
    })
  }

  it('polls the audit history and delivers new events oldest first, each once', async () => {
    const b = await brain()
    b.addAudit({ message: 'one' })
    const { events, states } = client(b.url, false)
    await waitFor(() => events.length === 1, 'the backlog page')
    expect(states[0]?.status).toBe('polling')
    for (const message of ['two', 'three', 'four']) b.addAudit({ message })
    await waitFor(() => events.length === 4, 'three new events')
    // 250 more than one page (100) in one go: the poller pages back to what it knew.
    for (let i = 0; i < 250; i++) b.addAudit({ message: `bulk ${i}` })
    await waitFor(() => events.length === 254, 'the bulk, across pages', 10_000)
    await new Promise((r) => setTimeout(r, 120))
    expect(events).toHaveLength(254)
    expect(events.map((e) => e.data.message)).toEqual([
      'one',
      'two',
      'three',
      'four',
      ...Array.from({ length: 250 }, (_, i) => `bulk ${i}`)
    ])
    expect(events.every((e) => e.channel === 'audit' && e.id.startsWith('audit:aud_'))).toBe(true)
    expect(new Set(events.map((e) => e.id)).size).toBe(254)
  })

  it('falls back to polling when the stream route answers 404', async () => {
    const b = await brain()
    b.addAudit({ message: 'seen by polling' })
    const { events, states } = client(b.url, true)
    await waitFor(() => events.length === 1, 'polled event')
    expect(states.map((s) => s.status)).toContain('polling')
    expect(b.requests.some((r) => r.includes('/stream/events'))).toBe(true)
  })

  it('resumes after an audit id delivered before and skips what came before it', async () => {
    const b = await brain()
    b.addAudit({ message: 'old' })
    b.addAudit({ message: 'known' })
    b.addAudit({ message: 'new' })
    const first = client(b.url, false)
    await waitFor(() => first.events.length === 3, 'all three')
    const knownId = first.events[1]?.id ?? null
    await first.stream.close()
    const second = client(b.url, false, knownId)
    await waitFor(() => second.events.length === 1, 'only the newer one')
    await new Promise((r) => setTimeout(r, 100))
    expect(second.events.map((e) => e.data.message)).toEqual(['new'])
  })

  it("reports BRAiN's audit 500 as polling with a message and backs off instead of hammering", async () => {
    const b = await brain()
    b.addAudit({ message: 'has details', details: { x: 1 } })
    const { states, events } = client(b.url, false)
    await waitFor(
      () => states.some((s) => s.status === 'polling' && s.message !== null),
      'a polling message'
    )
    const message = states.find((s) => s.message !== null)?.message ?? ''
    expect(message).toMatch(/cannot return its audit history/)
    // It keeps trying (the backoff's figures are backoff.ts's unit test) and delivers nothing.
    await waitFor(
      () => b.requests.filter((r) => r.includes('/audit/query')).length >= 3,
      'three more tries'
    )
    expect(events).toHaveLength(0)
  })

  it('reports the failure while the backend is down, and recovers', async () => {
    const b = await brain()
    b.addAudit({ message: 'x' })
    b.setDown(true)
    const { states, events } = client(b.url, false)
    await waitFor(() => states.some((s) => s.message !== null), 'an error state')
    b.setDown(false)
    await waitFor(() => events.length === 1, 'recovery')
    expect(states[states.length - 1]).toMatchObject({ status: 'polling', message: null })
  })

  it('never crashes on hostile polled rows: deep details are cut with a marker, markup and huge text pass', async () => {
    const s = await startSseTestServer({ noStream: true })
    cleanups.push(() => s.close())
    const row = (n: number, details: string, message: string) =>
      `{"audit_id":"aud_${String(n).padStart(12, '0')}","timestamp":"2026-11-23T05:52:${String(n).padStart(2, '0')}.000","mission_id":null,"plan_id":null,"job_id":null,"attempt_id":null,"resource_uuid":null,"event_type":"execution_failure","event_category":"execution","severity":"error","message":${JSON.stringify(message)},"details":${details},"caused_by_agent":null,"caused_by_event":null}`
    s.addAuditJson(row(1, '{}', '<script>alert(1)</script>'))
    s.addAuditJson(row(2, `${'{"d":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 'deep'))
    s.addAuditJson(row(3, '{}', 'x'.repeat(300_000)))
    const events: LiveEvent[] = []
    const { stream } = recordingLiveClient(s.baseUrl, cleanups, {
      hasStream: false,
      poll: {
        queryAudit: (body) => new BackendClient(s.url, null, { retries: 0 }).queryAudit(body)
      },
      pollIntervalMs: 30,
      // Every consumer serializes what it gets (cache, IPC): prove nothing unserializable arrives.
      onEvents: (batch) => {
        JSON.stringify(batch)
        events.push(...batch)
      }
    })
    await waitFor(() => events.length === 3, 'all three rows')
    expect(events.map((e) => String(e.data.message).slice(0, 20))).toEqual([
      '<script>alert(1)</sc',
      'deep',
      'x'.repeat(20)
    ])
    // The deep row is kept: its details down to the console's limit, then the marker.
    let node = events[1]?.data.details as Record<string, unknown>
    let level = 3
    while (typeof node.d === 'object') {
      node = node.d as Record<string, unknown>
      level++
    }
    expect(node.d).toBe(TOO_DEEP_MARKER)
    expect(level).toBe(MAX_EVENT_DEPTH)
    expect(stream.stats().truncated).toBe(1)
    expect(stream.stats().consumerErrors).toBe(0)
  })

  it('says offline when there is neither a stream nor a poll source', async () => {
    const s = await startSseTestServer({ noStream: true })
    cleanups.push(() => s.close())
    const { states } = recordingLiveClient(s.baseUrl, cleanups, {
      backoff: { baseDelayMs: 10, maxDelayMs: 20 }
    })
    await waitFor(() => states.some((x) => x.status === 'offline'), 'offline')
  })
})

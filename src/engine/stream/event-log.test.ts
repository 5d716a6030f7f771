import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'

describe('event log and rollbacks', () => {
  let t: TestEngine
  let r: SseReader
  beforeAll(async () => {
    t = await startTestEngine()
    r = new SseReader()
    await r.open(`${t.engine.baseUrl}/stream/events?channels=metrics`, {
      Authorization: `Bearer ${t.engine.adminToken}`
    })
    await r.waitFor(() => r.comments.includes('connected'), 5000, 'connected comment')
  })
  afterAll(async () => {
    r.close()
    await t.stop()
  })

  it('never announces an event whose unit rolled back, and keeps announcing later ones', async () => {
    const { store, events } = t.engine.services
    const before = events.sizes().metrics ?? 0
    // A unit that publishes and then fails (a later guard refusing, a failing insert).
    expect(() =>
      store.transaction(() => {
        events.publishExternal('metrics', 'rolled_back', { n: 1 })
        throw new Error('refused')
      })
    ).toThrow('refused')
    // A unit in the same batch that commits, and one in a later batch.
    store.transaction(() => events.publishExternal('metrics', 'kept', { n: 2 }))
    await store.committed()
    expect(
      (await t.api('POST', '/stream/publish?channel=metrics&event_type=later', { n: 3 })).status
    ).toBe(200)
    await r.waitFor(() => r.frames.some((f) => f.event === 'later'), 5000, 'the later event')
    expect(r.frames.map((f) => f.event)).toEqual(['kept', 'later'])
    // The rolled-back event is neither in the log nor counted.
    expect(events.sizes().metrics).toBe(before + 2)
    const ids = r.frames.map((f) => Number(f.id))
    expect(events.readAfter(ids[0]! - 2, 10).map((e) => e.event_type)).toEqual(['kept', 'later'])
  })

  it('answers a batch item that fails internally with a 500 that does not leak the cause', async () => {
    const { lifecycle } = t.engine.services
    const m = await t.api('POST', '/identity/mission', { tags: {} })
    const remove = lifecycle.addGuard(() => {
      throw new Error('SQLITE_CORRUPT: database disk image is malformed at /secret/path/engine.db')
    })
    try {
      const res = await t.api('POST', '/lifecycle/batch', {
        transitions: [
          { entity_type: 'mission', entity_id: m.body.mission_id, transition: 'create' }
        ]
      })
      expect(res.status).toBe(200)
      expect(res.body.results[0]).toEqual({
        status: 500,
        body: { detail: 'Internal server error' }
      })
      expect(res.text).not.toContain('secret')
    } finally {
      remove()
    }
  })
})

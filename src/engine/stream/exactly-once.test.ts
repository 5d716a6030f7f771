import { describe, expect, it } from 'vitest'
import { suiteEngine } from '../testing/suite'
import { SseReader } from '../testing/sse'

/**
 * Exactly-once on the wire under the replay/live race (issue 10, item 18). A write is visible in
 * this process at once but announced to live subscribers only after its batch commits at the end
 * of the event-loop turn: a subscriber that resumes in between reads the event from the log and
 * then gets it again from the fan-out unless the hub drops it (hub.ts, `e.id <= sub.cursor`).
 * Frames are read raw (SseReader: no client-side dedup) and must carry exactly the ids after the
 * resume point, strictly increasing, without a duplicate or a gap.
 */
describe('stream exactly-once while publishers commit', () => {
  const t = suiteEngine()

  it('gives every subscriber that resumes mid-publish each later id once, in order', async () => {
    const { events } = t.engine.services
    const publishers = 6
    const perPublisher = 150
    const readers: { after: number; r: SseReader }[] = []
    let publishing = true
    const publish = async (p: number): Promise<void> => {
      for (let i = 0; i < perPublisher; i++) {
        const res = await t.api('POST', '/stream/publish?channel=metrics&event_type=tick', { p, i })
        expect(res.status).toBe(200)
      }
    }
    const all = Promise.all(Array.from({ length: publishers }, (_, p) => publish(p))).finally(
      () => {
        publishing = false
      }
    )
    // Resume from the newest committed id, over and over, while the publishers run: requests
    // arriving in the same turn as a publish meet events still in flight (ids handed out, the
    // batch not committed), which must come live, after the replay, exactly once.
    while (publishing) {
      const after = events.lastId()
      const r = new SseReader()
      readers.push({ after, r })
      await r.open(`${t.engine.baseUrl}/stream/events?channels=metrics`, {
        Authorization: `Bearer ${t.engine.adminToken}`,
        'Last-Event-ID': String(after)
      })
    }
    await all
    await t.engine.services.store.committed()
    const end = events.lastId()
    expect(end).toBe(publishers * perPublisher)
    expect(readers.length).toBeGreaterThan(20)
    try {
      for (const { after, r } of readers) {
        const ids = (): number[] => r.frames.map((f) => Number(f.id))
        await r.waitFor(() => ids().length >= end - after, 10_000, `ids ${after + 1}..${end}`)
        // Duplicates or gaps would show here: the list must be exactly the range.
        expect({ after, ids: ids() }).toEqual({
          after,
          ids: Array.from({ length: end - after }, (_, k) => after + 1 + k)
        })
      }
    } finally {
      for (const { r } of readers) r.close()
    }
  })
})

// Open SSE streams per token over real HTTP: no viewer or agent token can take the slots the
// console's admin stream needs.
import { describe, expect, it } from 'vitest'
import { startTestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'

async function openAs(url: string, token: string): Promise<SseReader> {
  return new SseReader().open(url, { Authorization: `Bearer ${token}` })
}

describe('SSE admission per token', () => {
  it('stops one viewer token at its share (429) and the admin stream still connects and gets events', async () => {
    const t = await startTestEngine({ tokens: [{ token: 'greedy-viewer-token', role: 'viewer' }] })
    const url = `${t.engine.baseUrl}/stream/events`
    const readers: SseReader[] = []
    try {
      let refused: SseReader | null = null
      // Tries far more than the default share: the loop ends at the first refusal.
      for (let i = 0; i < 200 && !refused; i++) {
        const r = await openAs(url, 'greedy-viewer-token')
        readers.push(r)
        if (r.status !== 200) refused = r
      }
      expect(refused?.status).toBe(429)
      expect(refused?.headers['retry-after']).toBe('5')
      expect(readers.filter((r) => r.status === 200)).toHaveLength(64)
      expect(t.engine.services.streams.open('greedy-viewer-token')).toBe(64)

      const admin = await openAs(`${url}?channels=audit`, t.engine.adminToken)
      readers.push(admin)
      expect(admin.status).toBe(200)
      const logged = await t.api('POST', '/audit/log', {
        event_type: 'probe',
        event_category: 'execution',
        message: 'seen',
        details: {}
      })
      expect(logged.status).toBe(201)
      await admin.waitFor(() => admin.frames.length === 1, 5000, 'the audit event')

      // A closed stream gives its slot back.
      readers[0]?.close()
      await expect.poll(() => t.engine.services.streams.open('greedy-viewer-token')).toBe(63)
      const again = await openAs(url, 'greedy-viewer-token')
      readers.push(again)
      expect(again.status).toBe(200)
    } finally {
      for (const r of readers) r.close()
      await t.stop()
    }
  })

  it('keeps the admin reserve when many non-admin tokens fill the rest', async () => {
    const viewers = ['viewer-token-one', 'viewer-token-two', 'viewer-token-three']
    const t = await startTestEngine({
      sseMaxSubscribers: 10,
      sseMaxStreamsPerToken: 3,
      sseAdminReserve: 2,
      tokens: viewers.map((token) => ({ token, role: 'viewer' as const }))
    })
    const url = `${t.engine.baseUrl}/stream/events`
    const readers: SseReader[] = []
    const open = async (token: string): Promise<number> => {
      const r = await openAs(url, token)
      readers.push(r)
      return r.status
    }
    try {
      const statuses: number[] = []
      for (const v of viewers) for (let i = 0; i < 3; i++) statuses.push(await open(v))
      // 8 non-admin slots: the ninth viewer stream is refused though its token has room.
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 503])
      expect(await open(t.engine.adminToken)).toBe(200)
      expect(await open(t.engine.adminToken)).toBe(200)
      // The total is reached: now the admin is refused too.
      expect(await open(t.engine.adminToken)).toBe(503)
    } finally {
      for (const r of readers) r.close()
      await t.stop()
    }
  })

  it('refuses settings that leave no room', () => {
    return expect(startTestEngine({ sseMaxSubscribers: 5, sseAdminReserve: 5 })).rejects.toThrow(
      RangeError
    )
  })
})

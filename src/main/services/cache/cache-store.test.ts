import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeAuditEvent, makeLiveEvent } from '../testing/fixtures'
import { makeTempDir } from '../testing/temp-dir'
import Database from 'better-sqlite3'
import { CACHE_PAGE_MAX, CacheStore } from './cache-store'
import { CACHE_MIGRATIONS } from './migrations'

describe('CacheStore', () => {
  let temp: ReturnType<typeof makeTempDir>
  let store: CacheStore
  let path: string

  beforeEach(() => {
    temp = makeTempDir()
    path = join(temp.dir, 'env', 'cache.sqlite')
    store = CacheStore.open(path)
  })
  afterEach(() => {
    store.close()
    temp.remove()
  })

  it('lists the ids of children of one type under one parent, at most as many as asked', () => {
    const plans = Array.from({ length: 5 }, (_, i) => ({
      entityType: 'plan',
      entityId: `p_${String(i).padStart(12, '0')}`,
      record: { plan_id: i, created_at: '2026-01-01T00:00:00.000Z' },
      parentId: 'm_000000000001'
    }))
    store.putRecords([
      ...plans,
      {
        entityType: 'job',
        entityId: 'j_000000000001',
        record: { job_id: 'j_000000000001', created_at: '2026-01-01T00:00:00.000Z' },
        parentId: 'm_000000000001'
      }
    ])
    expect(store.childIds('plan', 'm_000000000001', 100).sort()).toEqual(
      plans.map((p) => p.entityId)
    )
    expect(store.childIds('plan', 'm_000000000001', 3)).toHaveLength(3)
    expect(store.childIds('plan', 'm_000000000002', 100)).toEqual([])
  })

  it('stores records and states, keeps the newer state, and pages children by cursor', () => {
    store.putRecords([
      {
        entityType: 'mission',
        entityId: 'm_000000000001',
        record: { mission_id: 'm_000000000001', created_at: '2026-01-01T00:00:00.000Z' },
        parentId: null
      }
    ])
    const plans = Array.from({ length: 25 }, (_, i) => ({
      entityType: 'plan',
      entityId: `p_${String(i).padStart(12, '0')}`,
      record: { plan_id: i, created_at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z` },
      parentId: 'm_000000000001'
    }))
    store.putRecords(plans)
    store.putStates([
      {
        entityType: 'mission',
        entityId: 'm_000000000001',
        state: 'running',
        updatedAt: '2026-01-02T00:00:00.000Z'
      }
    ])
    store.putStates([
      {
        entityType: 'mission',
        entityId: 'm_000000000001',
        state: 'pending',
        updatedAt: '2026-01-01T00:00:00.000Z'
      }
    ])
    const mission = store.getRecord('m_000000000001')
    expect(mission?.state).toBe('running')
    expect(mission?.record?.mission_id).toBe('m_000000000001')

    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = store.getChildren('m_000000000001', { cursor, limit: 10 })
      expect(page.items.length).toBeLessThanOrEqual(10)
      seen.push(...page.items.map((i) => i.entityId))
      cursor = page.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual(plans.map((p) => p.entityId))
    expect(() => store.getChildren('m_000000000001', { cursor: 'garbage!' })).toThrow(RangeError)
  })

  it('records transitions once and moves the entity state forward', () => {
    const t = (
      id: string,
      from: 'pending' | 'running' | null,
      to: 'running' | 'succeeded',
      ts: string
    ) => ({
      event_id: id,
      entity_type: 'job' as const,
      entity_id: 'j_000000000001',
      from_state: from,
      to_state: to,
      transition: 'start' as const,
      timestamp: ts,
      metadata: {},
      caused_by: null
    })
    store.putTransitions([t('evt_1', 'pending', 'running', '2026-01-01T00:00:01.000Z')])
    store.putTransitions([
      t('evt_1', 'pending', 'running', '2026-01-01T00:00:01.000Z'),
      t('evt_2', 'running', 'succeeded', '2026-01-01T00:00:02.000Z')
    ])
    expect(store.getHistory('job', 'j_000000000001').map((e) => e.event_id)).toEqual([
      'evt_1',
      'evt_2'
    ])
    expect(store.getRecord('j_000000000001')?.state).toBe('succeeded')
    expect(store.status().rows.transitions).toBe(2)
  })

  it('queries audit with filters, free text and keyset pages that never exceed the limit', () => {
    store.putAuditEvents(Array.from({ length: 300 }, (_, i) => makeAuditEvent(i)))
    store.putAuditEvents([makeAuditEvent(5)]) // duplicate id: ignored
    expect(store.status().rows.audit).toBe(300)

    const all: string[] = []
    let cursor: string | undefined
    for (;;) {
      const page = store.queryAudit({ limit: 70, cursor })
      expect(page.events.length).toBeLessThanOrEqual(70)
      all.push(...page.events.map((e) => e.audit_id))
      if (!page.nextCursor) break
      cursor = page.nextCursor
    }
    expect(all).toHaveLength(300)
    expect(all[0]).toBe(makeAuditEvent(299).audit_id) // newest first
    expect(new Set(all).size).toBe(300)

    const errors = store.queryAudit({
      severity: 'error',
      missionId: makeAuditEvent(0).mission_id ?? '',
      limit: 1000
    })
    const expected = Array.from({ length: 300 }, (_, i) => i).filter(
      (i) => i % 7 === 0 && i % 3 === 0
    )
    expect(errors.events.map((e) => e.details.n).sort((a, b) => Number(a) - Number(b))).toEqual(
      expected
    )

    const text = store.queryAudit({ text: 'finished worker-3', limit: 1000 })
    // Every query word must start some word of the message ("3" also matches "31").
    const matches = (message: string): boolean => {
      const words = message.match(/[\p{L}\p{N}_]+/gu) ?? []
      return ['finished', 'worker', '3'].every((q) => words.some((w) => w.startsWith(q)))
    }
    const expectedText = Array.from({ length: 300 }, (_, i) => makeAuditEvent(i)).filter((e) =>
      matches(e.message)
    )
    expect(expectedText.length).toBeGreaterThan(75)
    expect(text.events.map((e) => e.audit_id).sort()).toEqual(
      expectedText.map((e) => e.audit_id).sort()
    )

    const hostile = store.queryAudit({ text: '"NEAR( *) AND OR', limit: 10 })
    expect(hostile.events).toHaveLength(0)

    const window = store.queryAudit({
      since: makeAuditEvent(10).timestamp,
      until: makeAuditEvent(19).timestamp,
      limit: 5000
    })
    expect(window.events).toHaveLength(10)
    expect(store.queryAudit({ limit: 5000 }).events).toHaveLength(
      CACHE_PAGE_MAX > 300 ? 300 : CACHE_PAGE_MAX
    )
  })

  it('dedups stream events by id and pages them back and forth in delivery order', () => {
    expect(store.putStreamEvents([1, 2, 3].map((n) => makeLiveEvent(n)))).toBe(3)
    expect(store.putStreamEvents([2, 3, 4].map((n) => makeLiveEvent(n)))).toBe(1)
    store.appendStreamEvents([5, 6].map((n) => makeLiveEvent(n, 'audit')))
    store.appendStreamEvents([{ ...makeLiveEvent(7), id: 'audit:aud_x' }])

    const newest = store.queryStreamEvents({ limit: 3 })
    expect(newest.events.map((e) => e.id)).toEqual(['audit:aud_x', '6', '5'])
    const older = store.queryStreamEvents({ limit: 3, beforeId: newest.nextBeforeId ?? undefined })
    expect(older.events.map((e) => e.id)).toEqual(['4', '3', '2'])
    const oldest = store.queryStreamEvents({ limit: 3, beforeId: older.nextBeforeId ?? undefined })
    expect(oldest.events.map((e) => e.id)).toEqual(['1'])
    expect(oldest.nextBeforeId).toBeNull()

    expect(store.queryStreamEvents({ afterId: '2', limit: 2 }).events.map((e) => e.id)).toEqual([
      '3',
      '4'
    ])
    expect(store.queryStreamEvents({ channel: 'audit' }).events.map((e) => e.id)).toEqual([
      '6',
      '5'
    ])
    expect(store.queryStreamEvents({ limit: 1 }).events[0]?.data).toEqual(makeLiveEvent(7).data)
    // Client-made ids are not resumable.
    expect(store.lastStreamEventId()).toBe('6')
  })

  it('keeps events of a new event-log epoch whose ids repeat, and resumes with the newest id and its epoch', () => {
    expect(
      store.putStreamEvents([1, 2, 3].map((n) => ({ ...makeLiveEvent(n), epoch: 'e1' })))
    ).toBe(3)
    expect(store.streamResumePoint()).toEqual({ id: '3', epoch: 'e1' })
    // A fresh database behind the same environment counts from 1 again: new events, all kept.
    expect(
      store.putStreamEvents(
        [1, 2].map((n) => ({ ...makeLiveEvent(n + 100), id: String(n), epoch: 'e2' }))
      )
    ).toBe(2)
    expect(store.putStreamEvents([{ ...makeLiveEvent(102), id: '2', epoch: 'e2' }])).toBe(0)
    expect(store.streamResumePoint()).toEqual({ id: '2', epoch: 'e2' })
    // Pages follow delivery order across epochs, by cursor, without confusing the repeated ids.
    const ids: string[] = []
    let beforeId: string | undefined
    for (;;) {
      const page = store.queryStreamEvents({ limit: 2, beforeId })
      ids.push(...page.events.map((e) => `${e.epoch}/${e.id}`))
      if (!page.nextBeforeId) break
      beforeId = page.nextBeforeId
    }
    expect(ids).toEqual(['e2/2', 'e2/1', 'e1/3', 'e1/2', 'e1/1'])
  })

  it('moves a version-2 cache to epoch-scoped stream ids without losing a row', () => {
    store.close()
    const old = join(temp.dir, 'v2.sqlite')
    const raw = new Database(old)
    for (const sql of CACHE_MIGRATIONS.slice(0, 2)) raw.exec(sql)
    raw.pragma('user_version = 2')
    const insert = raw.prepare(
      'INSERT INTO stream_events (id, channel, event_type, timestamp, data, resumable, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)'
    )
    for (const n of [1, 2, 3])
      insert.run(String(n), 'audit', 'x', n, JSON.stringify({ n }), 1, Date.now())
    raw.close()
    store = CacheStore.open(old)
    expect(store.queryStreamEvents().events.map((e) => [e.id, e.epoch, e.data.n])).toEqual([
      ['3', undefined, 3],
      ['2', undefined, 2],
      ['1', undefined, 1]
    ])
    expect(store.streamResumePoint()).toEqual({ id: '3', epoch: null })
    expect(store.putStreamEvents([{ ...makeLiveEvent(1), epoch: 'e1' }])).toBe(1)
  })

  it('resumes a stream-less backend from the newest polled audit id', () => {
    expect(store.lastStreamEventId()).toBeNull()
    store.putStreamEvents([{ ...makeLiveEvent(1), id: 'local:ab:1' }])
    expect(store.lastStreamEventId()).toBeNull()
    store.putStreamEvents(
      [1, 2].map((n) => ({ ...makeLiveEvent(n, 'audit'), id: `audit:aud_${n}` }))
    )
    store.putStreamEvents([{ ...makeLiveEvent(3), id: 'local:ab:2' }])
    expect(store.lastStreamEventId()).toBe('audit:aud_2')
    store.putStreamEvents([makeLiveEvent(40)])
    expect(store.lastStreamEventId()).toBe('40')
  })

  it('survives reopening: data, retention and schema version persist', () => {
    store.putStreamEvents([makeLiveEvent(1)])
    store.putSnapshot('telemetry', 'snapshot', { active_jobs: 3 })
    store.setRetention({ days: 7, maxMb: 64 })
    store.close()
    store = CacheStore.open(path)
    expect(store.getRetention()).toEqual({ days: 7, maxMb: 64 })
    expect(store.lastStreamEventId()).toBe('1')
    expect(store.getSnapshot('telemetry', 'snapshot')?.value).toEqual({ active_jobs: 3 })
    expect(store.getSnapshot('telemetry', 'other')).toBeNull()
  })

  it('drops rows older than the retention days, oldest first', () => {
    store.close()
    let now = Date.parse('2026-01-01T00:00:00Z')
    store = CacheStore.open(path, { days: 2, maxMb: 1024 }, { now: () => now })
    store.putStreamEvents([1, 2].map((n) => makeLiveEvent(n)))
    store.putAuditEvents([makeAuditEvent(1)])
    now += 3 * 86_400_000
    store.putStreamEvents([3].map((n) => makeLiveEvent(n)))
    store.putAuditEvents([makeAuditEvent(2)])
    const { deleted } = store.enforceRetention()
    expect(deleted).toBe(3)
    expect(store.queryStreamEvents().events.map((e) => e.id)).toEqual(['3'])
    expect(store.queryAudit({}).events.map((e) => e.audit_id)).toEqual([makeAuditEvent(2).audit_id])
    expect(store.status().oldestAt).toBe(new Date(now).toISOString())
  })

  it('shrinks to the MB bound by deleting the oldest stream events first', () => {
    const big = 'x'.repeat(2000)
    for (let batch = 0; batch < 12; batch++) {
      store.putStreamEvents(
        Array.from({ length: 1000 }, (_, i) => ({
          ...makeLiveEvent(batch * 1000 + i),
          data: { big }
        }))
      )
    }
    const before = store.status()
    expect(before.sizeBytes).toBeGreaterThan(20 * 1024 * 1024)
    store.setRetention({ days: 30, maxMb: 16 })
    store.enforceRetention()
    const after = store.status()
    expect(after.sizeBytes).toBeLessThanOrEqual(16 * 1024 * 1024)
    expect(after.rows.events).toBeLessThan(before.rows.events)
    expect(after.rows.events).toBeGreaterThan(0)
    // What is left is the newest: the last event written is still there.
    expect(store.queryStreamEvents({ limit: 1 }).events[0]?.id).toBe('11999')
  })

  it('skips rows whose payload cannot be serialized instead of failing the batch', () => {
    // JSON.parse builds 100,000 levels happily; JSON.stringify overflows the stack on them.
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`) as Record<
      string,
      unknown
    >
    expect(
      store.putStreamEvents([
        makeLiveEvent(1),
        { ...makeLiveEvent(2), data: deep },
        makeLiveEvent(3)
      ])
    ).toBe(2)
    store.putAuditEvents([makeAuditEvent(1, { details: deep }), makeAuditEvent(2)])
    store.appendStreamEvents([{ ...makeLiveEvent(4), data: deep }, makeLiveEvent(5)])
    expect(store.queryStreamEvents().events.map((e) => e.id)).toEqual(['5', '3', '1'])
    expect(store.status().rows.audit).toBe(1)
    expect(store.skipped).toBe(3)
  })

  it('migrates a version-1 file and refuses a file from a newer console', () => {
    store.close()
    const db = new Database(path)
    expect(db.pragma('user_version', { simple: true })).toBe(CACHE_MIGRATIONS.length)
    db.pragma('user_version = 1')
    db.exec('DROP INDEX entities_type_created; DROP INDEX entities_type_state_created')
    db.close()
    store = CacheStore.open(path)
    store.close()
    const check = new Database(path)
    expect(check.pragma('user_version', { simple: true })).toBe(CACHE_MIGRATIONS.length)
    check.pragma(`user_version = ${CACHE_MIGRATIONS.length + 1}`)
    check.close()
    expect(() => CacheStore.open(path)).toThrow(/newer than this console/)
    const reset = new Database(path)
    reset.pragma(`user_version = ${CACHE_MIGRATIONS.length}`)
    reset.close()
    store = CacheStore.open(path)
  })

  it('clears everything but keeps working', () => {
    store.putAuditEvents([makeAuditEvent(1)])
    store.putStreamEvents([makeLiveEvent(1)])
    store.clear()
    expect(store.status().rows).toEqual({
      entities: 0,
      transitions: 0,
      audit: 0,
      events: 0,
      decisions: 0
    })
    expect(store.queryAudit({ text: 'job' }).events).toHaveLength(0)
    store.putAuditEvents([makeAuditEvent(1)])
    expect(store.queryAudit({ text: 'job' }).events).toHaveLength(1)
  })
})

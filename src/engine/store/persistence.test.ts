import { mkdtempSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  AuditQueryResponseSchema,
  DecisionListSchema,
  EntityMetricsSchema,
  HistoryResponseSchema,
  MissionRecordSchema,
  TraceResponseSchema
} from '../../shared/neurorail'
import { createChain, startTestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'
import { LEDGER_FORMAT } from './migrate'
import { MIGRATIONS } from './migrations'
import { Store } from './store'
import { suiteTempDir } from '../testing/suite'

/** One bare `audit` row of `eventType` in the stream log (inside the caller's transaction). */
function insertEvent(store: Store, eventType: string): void {
  store.db
    .prepare("INSERT INTO stream_events (channel, event_type, payload) VALUES ('audit', ?, '{}')")
    .run(eventType)
}

describe('store', () => {
  const dir = suiteTempDir('cd-engine-persist-')

  it('opens in WAL mode at the latest schema version and refuses a newer file', async () => {
    const file = path.join(dir, 'schema.db')
    const store = new Store(file)
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.schemaVersion).toBe(MIGRATIONS.length)
    store.close()
    const raw = new Database(file)
    raw.pragma(`user_version = ${LEDGER_FORMAT + 1}`)
    raw.close()
    expect(() => new Store(file)).toThrow(/newer than this engine/)
  })

  it('rolls back only the failing unit of a group commit and runs after-commit work only on commit', async () => {
    const store = new Store(':memory:')
    const ran: string[] = []
    const count = (): number =>
      (store.db.prepare('SELECT COUNT(*) AS n FROM stream_events').get() as { n: number }).n
    store.transaction(() => {
      insertEvent(store, 'kept-1')
      store.afterCommit(() => ran.push('kept-1'))
    })
    expect(() =>
      store.transaction(() => {
        insertEvent(store, 'x')
        store.afterCommit(() => ran.push('rolled back'))
        throw new Error('boom')
      })
    ).toThrow('boom')
    store.transaction(() => {
      insertEvent(store, 'kept-2')
      store.afterCommit(() => ran.push('kept-2'))
    })
    // Same event-loop turn: one open batch, visible in-process, nothing announced yet.
    expect(count()).toBe(2)
    expect(ran).toEqual([])
    await store.committed()
    expect(ran).toEqual(['kept-1', 'kept-2'])
    expect(store.db.inTransaction).toBe(false)
    expect(count()).toBe(2)
    store.close()
  })

  it('reports a batch whose COMMIT fails to every unit in it, and keeps working after', async () => {
    const store = new Store(':memory:')
    const ran: string[] = []
    store.transaction(() => {
      // Deferred foreign keys are checked at COMMIT: the one way to make a COMMIT itself fail.
      store.db.pragma('defer_foreign_keys = ON')
      store.db
        .prepare(
          "INSERT INTO plans (plan_id, mission_id, plan_type, metadata, created_at, created_ms) VALUES ('p_1', 'm_missing', 's', '{}', '', 0)"
        )
        .run()
      store.afterCommit(() => ran.push('announced'))
    })
    const batch = store.currentBatch
    await expect(store.committed(batch)).rejects.toThrow(/FOREIGN KEY/)
    // Asked again later (as a request finishing after the failure would), the answer holds.
    await expect(store.committed(batch)).rejects.toThrow(/FOREIGN KEY/)
    expect(ran).toEqual([])
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM plans').get()).toEqual({ n: 0 })
    store.transaction(() => {
      insertEvent(store, 'ok')
    })
    await store.committed()
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM stream_events').get()).toEqual({ n: 1 })
    store.close()
  })

  it('checkpoints the WAL from a background worker, not inside commits', async () => {
    const store = new Store(path.join(dir, 'checkpoint.db'), { checkpointIntervalMs: 20 })
    expect(store.checkpointer).not.toBeNull()
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    const insert = store.db.prepare(
      "INSERT INTO stream_events (channel, event_type, payload) VALUES ('audit', 'x', ?)"
    )
    store.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('y'.repeat(500))
    })
    await store.committed()
    await expect.poll(() => store.checkpointer?.pages ?? 0, { timeout: 5000 }).toBeGreaterThan(0)
    store.close()
  })

  it('finds everything again after a restart on the same file, and keeps ids counting up', async () => {
    const engineDir = mkdtempSync(path.join(dir, 'restart-'))
    const first = await startTestEngine({ dir: engineDir })
    const c = await createChain(first)
    for (const a of ['create', 'start'])
      await first.api('POST', `/lifecycle/attempt/${c.attemptId}/transition`, { transition: a })
    await first.api('POST', '/telemetry/report', { entity_id: c.attemptId, llm_tokens: 42 })
    await first.api('POST', '/governor/decide', { job_type: 'llm_call', mission_id: c.missionId })
    const lastEvent = first.engine.services.events.lastId()
    const history1 = HistoryResponseSchema.parse(
      (await first.api('GET', `/lifecycle/attempt/${c.attemptId}/history`)).body
    )
    await first.stop()

    const second = await startTestEngine({ dir: engineDir })
    try {
      MissionRecordSchema.parse((await second.api('GET', `/identity/mission/${c.missionId}`)).body)
      const trace = TraceResponseSchema.parse(
        (await second.api('GET', `/identity/trace/attempt/${c.attemptId}`)).body
      )
      expect(trace.trace_chain.job?.job_id).toBe(c.jobId)
      const history2 = HistoryResponseSchema.parse(
        (await second.api('GET', `/lifecycle/attempt/${c.attemptId}/history`)).body
      )
      expect(history2).toEqual(history1)
      expect(
        (await second.api('GET', `/lifecycle/attempt/${c.attemptId}/state`)).body.current_state
      ).toBe('running')
      const metrics = EntityMetricsSchema.parse(
        (await second.api('GET', `/telemetry/metrics/${c.attemptId}`)).body
      )
      expect(metrics.llm_tokens_consumed).toBe(42)
      const audit = AuditQueryResponseSchema.parse(
        (await second.api('POST', '/audit/query', { mission_id: c.missionId })).body
      )
      expect(audit.total).toBe(3)
      expect(
        DecisionListSchema.parse((await second.api('GET', '/governor/decisions')).body).items
      ).toHaveLength(1)

      // The transition keeps going from the stored state, with a fresh unique id.
      const next = await second.api('POST', `/lifecycle/attempt/${c.attemptId}/transition`, {
        transition: 'complete'
      })
      expect(next.status).toBe(200)
      expect(history1.transitions.map((e) => e.event_id)).not.toContain(next.body.event_id)

      // The durable stream log survived: a client resumes across the restart.
      const r = new SseReader()
      await r.open(`${second.engine.baseUrl}/stream/events?channels=lifecycle&lastEventId=0`, {
        Authorization: `Bearer ${second.engine.adminToken}`
      })
      await r.waitFor(() => r.frames.length >= 3, 5000, 'replayed lifecycle frames')
      expect(r.payloads().map((p) => p.data.to_state)).toEqual(['created', 'running', 'succeeded'])
      expect(Number(r.frames[2]!.id)).toBeGreaterThan(lastEvent)
      r.close()
    } finally {
      await second.stop()
    }
  })

  it('finishes in-flight writes on graceful shutdown: every acknowledged transition is on disk', async () => {
    const engineDir = mkdtempSync(path.join(dir, 'shutdown-'))
    const first = await startTestEngine({ dir: engineDir })
    const chains = await Promise.all(Array.from({ length: 20 }, () => createChain(first)))
    // Shutdown starts from inside the first transition, so that request (and any parsed in the
    // same turn) is truly in flight when close() begins.
    let closing: Promise<void> | null = null
    first.engine.services.lifecycle.addGuard(() => {
      closing ??= first.engine.close()
    })
    const inFlight = chains.map((c) =>
      first.api('POST', `/lifecycle/job/${c.jobId}/transition`, { transition: 'create' }).then(
        (r) => r.status,
        () => 0 // refused at the socket: never acknowledged
      )
    )
    const statuses = await Promise.all(inFlight)
    await closing
    expect(statuses.every((s) => s === 200 || s === 503 || s === 0)).toBe(true)
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0)

    const second = await startTestEngine({ dir: engineDir })
    try {
      for (const [i, c] of chains.entries()) {
        const h = HistoryResponseSchema.parse(
          (await second.api('GET', `/lifecycle/job/${c.jobId}/history`)).body
        )
        expect(h.total_transitions, `job ${i} answered ${statuses[i]}`).toBe(
          statuses[i] === 200 ? 1 : 0
        )
      }
    } finally {
      await second.stop()
    }
  })
})

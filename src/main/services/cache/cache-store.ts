import type Database from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'
import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { AuditEvent } from '../../../shared/neurorail/audit'
import type { Decision } from '../../../shared/neurorail/governor'
import type { StateTransitionEvent } from '../../../shared/neurorail/lifecycle'
import type { Channel } from '../../../shared/neurorail/stream'
import {
  DEFAULT_CACHE_RETENTION,
  type CacheRetention,
  type CacheRowCounts
} from '../../../shared/console/domains/cache'
import type { LiveEvent } from '../../../shared/console/domains/live'
import { openDatabase, pragmaNumber } from '../../../engine/store/database'
import { decodeKeyset, keysetPage } from '../../../engine/store/keyset'
import { StatementCache } from '../../../engine/store/statements'
import { Where } from '../../../engine/store/where'
import { isClientId } from '../live/sequencer'
import { ensurePrivateDir, ensurePrivateFile } from '../private-dir'
import { CACHE_MIGRATIONS } from './migrations'
import { enforceRetention as runRetention } from './retention'
import { WriteBehindBuffer } from './stream-write-buffer'

/** Most rows any one read returns: the UI pages, it never loads a table. */
export const CACHE_PAGE_MAX = 1000
const PAGE_DEFAULT = 100

/** An identity record to cache. `record` is the backend's JSON as received (already validated). */
export interface CacheRecordRow {
  entityType: string
  entityId: string
  record: Record<string, unknown>
  parentId: string | null
}

/** A current lifecycle state to cache; older states never overwrite newer ones. */
export interface CacheStateRow {
  entityType: string
  entityId: string
  state: string
  updatedAt: string
}

/** One cached entity: record and state may each be missing (seen separately). */
export interface CachedEntity {
  entityType: string
  entityId: string
  parentId: string | null
  record: Record<string, unknown> | null
  state: string | null
  stateUpdatedAt: string | null
  /** When the console last stored this row (epoch ms); the age of a stale answer. */
  seenAt: number
}

/** Filters of queryAudit, named as the console's data.queryAudit input names them. */
export interface CacheAuditQuery {
  missionId?: string
  jobId?: string
  eventType?: string
  category?: string
  severity?: string
  /** Inclusive lower bound, UTC ISO. */
  since?: string
  /** Inclusive upper bound, UTC ISO. */
  until?: string
  /** Words that must all appear in the message (prefix match). */
  text?: string
  cursor?: string
  limit?: number
}

export interface CacheStreamQuery {
  /** Events after this id, oldest first (tailing forward). */
  afterId?: string
  /** Events before this id, newest first (scrolling back). Without either: the newest, newest first. */
  beforeId?: string
  channel?: Channel
  limit?: number
}

export interface CacheStreamPage {
  events: LiveEvent[]
  /** Pass as beforeId for the next older page (newest-first reads); null at the start. */
  nextBeforeId: string | null
  /** Pass as afterId for the next newer page (afterId reads); null when caught up. */
  nextAfterId: string | null
}

/** Status of the cache file as getCacheStatus reports it (minus the environment id). */
export interface CacheStoreStatus {
  path: string
  sizeBytes: number
  rows: CacheRowCounts
  oldestAt: string | null
  retention: CacheRetention
}

/** What a cache folder holds: one database (and its WAL files) per environment. */
const CACHE_DIR_ENTRY = /^[\w.-]+\.db(?:-wal|-shm|-journal)?$/

export interface CacheStoreOptions {
  /** Clock for seen_at and retention (tests move time). */
  now?: () => number
  /** Write-behind settings of appendStreamEvents. */
  streamBuffer?: { maxRows: number; maxDelayMs: number }
  /** Told about a failed background flush (for the service log). */
  onFlushError?: (error: unknown) => void
}

/**
 * JSON text of a row's payload, or null when it cannot be serialized (nesting deep enough to
 * overflow JSON.stringify's recursion, a cycle): such rows are skipped and counted, since one
 * hostile payload must not fail the whole batch or crash a timer-driven flush.
 */
function safeJson(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null
  } catch {
    return null
  }
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return PAGE_DEFAULT
  return Math.min(CACHE_PAGE_MAX, Math.max(1, Math.floor(limit)))
}

/**
 * Turns free text into an FTS5 query: every word must appear, each as a prefix. Words are quoted,
 * so FTS syntax in user text (AND, NEAR, quotes, `*`) is inert. Null when no word remains.
 */
function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu)?.slice(0, 16) ?? []
  if (words.length === 0) return null
  return words.map((w) => `"${w}"*`).join(' ')
}

/**
 * The key of a page request's cursor: null for the first page (no cursor), else the decoded key.
 * @throws RangeError 'invalid cursor' for a cursor that is not ours (mapped to invalid_input).
 */
function pageKey(cursor: string | null | undefined): (string | number)[] | null {
  if (!cursor) return null
  const key = decodeKeyset(cursor, 2)
  if (!key) throw new RangeError('invalid cursor')
  return key
}

interface StreamRow {
  seq: number
  epoch: string
  id: string
  channel: string
  event_type: string
  timestamp: number
  data: string
}

function rowToEvent(row: StreamRow): LiveEvent {
  const event: LiveEvent = {
    id: row.id,
    channel: row.channel as Channel,
    event_type: row.event_type,
    timestamp: row.timestamp,
    data: JSON.parse(row.data) as Record<string, unknown>
  }
  if (row.epoch !== '') event.epoch = row.epoch
  return event
}

/**
 * Page cursors of stream events name a row by its delivery position: event ids repeat across
 * event-log epochs, so an id alone would not say where a page ended.
 */
function streamCursor(row: StreamRow): string {
  return `@${row.seq}`
}

interface EntityRow {
  entity_id: string
  entity_type: string
  parent_id: string | null
  record: string | null
  created_at: string
  state: string | null
  state_updated_at: string | null
  seen_at: number
}

function rowToEntity(row: EntityRow): CachedEntity {
  return {
    entityType: row.entity_type,
    entityId: row.entity_id,
    parentId: row.parent_id,
    record: row.record === null ? null : (JSON.parse(row.record) as Record<string, unknown>),
    state: row.state,
    stateUpdatedAt: row.state_updated_at,
    seenAt: row.seen_at
  }
}

/**
 * The console's local cache of one environment: every entity, state, transition, audit event,
 * decision and stream event seen, in one SQLite file (WAL, synchronous=NORMAL: a power cut may
 * lose the last commits, never corrupt the file — acceptable for a cache). All writes take arrays
 * and run in one transaction; every read returns at most one page (≤1000 rows) with a keyset
 * cursor. Synchronous by design: better-sqlite3 answers a page in well under a millisecond, far
 * cheaper than a worker round trip.
 */
export class CacheStore {
  private readonly statements: StatementCache
  private readonly streamBuffer: WriteBehindBuffer<LiveEvent>
  private retention: CacheRetention
  private closed = false
  /** Rows refused because their payload could not be serialized (see safeJson). */
  skipped = 0
  /** Failures of background (write-behind) flushes, which have no caller to throw to. */
  flushErrors = 0

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly now: () => number,
    options: CacheStoreOptions
  ) {
    this.statements = new StatementCache(db)
    this.retention = this.loadRetention()
    this.streamBuffer = new WriteBehindBuffer<LiveEvent>(
      (rows) => this.putStreamEvents(rows),
      options.streamBuffer,
      (error) => {
        // A full disk or a closed file must not crash the process from a timer; the rows of
        // that batch are lost to the cache (the backend still has them).
        this.flushErrors++
        options.onFlushError?.(error)
      }
    )
  }

  /**
   * Opens (creating if needed) the cache file and brings its schema up to date. A `retention`
   * given here is stored; otherwise the stored one (or the default) applies.
   * @throws when the file was written by a newer console (schema version above ours).
   */
  static open(
    filePath: string,
    retention?: CacheRetention,
    options: CacheStoreOptions = {}
  ): CacheStore {
    if (filePath !== ':memory:') {
      // Its folder's notice, if any, is not passed on: the cache folder lies inside the data
      // folder, whose own check (engine host, settings) says whether others can reach it.
      ensurePrivateDir(dirname(filePath), CACHE_DIR_ENTRY)
      ensurePrivateFile(filePath)
    }
    const db = openDatabase(filePath, {
      // auto_vacuum only takes effect on an empty file, and switching to WAL already writes the
      // header: set it first, so that retention can hand freed pages back (incremental_vacuum)
      // and the size shown to the operator really drops.
      newFilePragmas: ['auto_vacuum = INCREMENTAL'],
      pragmas: ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = OFF'],
      migrations: CACHE_MIGRATIONS,
      tooNew: (version, known) =>
        `cache file has schema version ${version}, newer than this console (${known}); clear it or upgrade`
    })
    const store = new CacheStore(db, filePath, options.now ?? Date.now, options)
    if (retention) store.setRetention(retention)
    return store
  }

  private stmt<Params extends unknown[] = unknown[], Row = unknown>(
    sql: string
  ): Statement<Params, Row> {
    return this.statements.prepare<Params, Row>(sql)
  }

  // ---- writes

  /**
   * Writes `rows` in one transaction through the statement of `sql`. Each row's payload is
   * serialized first; a row whose payload cannot be (see safeJson) is skipped and counted.
   */
  private putEach<R>(
    rows: readonly R[],
    sql: string,
    payload: (row: R) => unknown,
    write: (insert: Statement, row: R, json: string, seenAt: number) => void
  ): void {
    if (rows.length === 0) return
    const seenAt = this.now()
    const insert = this.stmt(sql)
    this.db.transaction(() => {
      for (const row of rows) {
        const json = safeJson(payload(row))
        if (json === null) this.skipped++
        else write(insert, row, json, seenAt)
      }
    })()
  }

  putRecords(rows: readonly CacheRecordRow[]): void {
    this.putEach(
      rows,
      `INSERT INTO entities (entity_id, entity_type, parent_id, record, created_at, seen_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity_id) DO UPDATE SET entity_type = excluded.entity_type,
         parent_id = COALESCE(excluded.parent_id, entities.parent_id), record = excluded.record,
         created_at = excluded.created_at, seen_at = excluded.seen_at`,
      (row) => row.record,
      (insert, row, json, seenAt) => {
        const createdAt = typeof row.record.created_at === 'string' ? row.record.created_at : ''
        insert.run(row.entityId, row.entityType, row.parentId, json, createdAt, seenAt)
      }
    )
  }

  putStates(rows: readonly CacheStateRow[]): void {
    if (rows.length === 0) return
    const seenAt = this.now()
    this.db.transaction(() => {
      for (const row of rows) this.upsertState(row, seenAt)
    })()
  }

  private upsertState(row: CacheStateRow, seenAt: number): void {
    // The WHERE keeps an older answer (a slow poll) from overwriting a newer state.
    this.stmt(
      `INSERT INTO entities (entity_id, entity_type, state, state_updated_at, seen_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (entity_id) DO UPDATE SET state = excluded.state,
         state_updated_at = excluded.state_updated_at, seen_at = excluded.seen_at
       WHERE entities.state_updated_at IS NULL OR excluded.state_updated_at >= entities.state_updated_at`
    ).run(row.entityId, row.entityType, row.state, row.updatedAt, seenAt)
  }

  /** Stores transitions (dedup on entity + event id) and moves each entity's state forward. */
  putTransitions(events: readonly StateTransitionEvent[]): void {
    this.putEach(
      events,
      `INSERT OR IGNORE INTO transitions (event_id, entity_type, entity_id, timestamp, json, seen_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      (e) => e,
      (insert, e, json, seenAt) => {
        insert.run(e.event_id, e.entity_type, e.entity_id, e.timestamp, json, seenAt)
        this.upsertState(
          {
            entityType: e.entity_type,
            entityId: e.entity_id,
            state: e.to_state,
            updatedAt: e.timestamp
          },
          seenAt
        )
      }
    )
  }

  putAuditEvents(events: readonly AuditEvent[]): void {
    this.putEach(
      events,
      `INSERT OR IGNORE INTO audit (audit_id, timestamp, mission_id, job_id, event_type, category,
         severity, message, json, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      (e) => e,
      (insert, e, json, seenAt) =>
        insert.run(
          e.audit_id,
          e.timestamp,
          e.mission_id,
          e.job_id,
          e.event_type,
          e.event_category,
          // BRAiN rows may have no level; the column predates that ('' keeps it NOT NULL).
          e.severity ?? '',
          e.message,
          json,
          seenAt
        )
    )
  }

  putDecisions(decisions: readonly Decision[]): void {
    this.putEach(
      decisions,
      `INSERT OR REPLACE INTO decisions (decision_id, timestamp, json, seen_at) VALUES (?, ?, ?, ?)`,
      (d) => d,
      (insert, d, json, seenAt) => insert.run(d.decision_id, d.timestamp, json, seenAt)
    )
  }

  /**
   * Stores stream events now, in one transaction; an event already cached (same epoch and id) is
   * skipped. Returns how many were new.
   */
  putStreamEvents(events: readonly LiveEvent[]): number {
    let added = 0
    this.putEach(
      events,
      `INSERT OR IGNORE INTO stream_events (epoch, id, channel, event_type, timestamp, data, resumable, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      (e) => e.data,
      (insert, e, data, seenAt) => {
        const resumable = isClientId(e.id) ? 0 : 1
        added += insert.run(
          e.epoch ?? '',
          e.id,
          e.channel,
          e.event_type,
          e.timestamp,
          data,
          resumable,
          seenAt
        ).changes
      }
    )
    return added
  }

  /**
   * Queues stream events for the write-behind buffer (flushed at most 50 ms later or per 1000
   * rows). Reads flush first, so a caller always reads its own writes.
   */
  appendStreamEvents(events: readonly LiveEvent[]): void {
    if (this.closed) return
    this.streamBuffer.push(events)
  }

  /** Writes any queued stream events now. */
  flush(): void {
    if (!this.closed) this.streamBuffer.flush()
  }

  putSnapshot(kind: string, key: string, value: unknown): void {
    const json = safeJson(value)
    if (json === null) {
      this.skipped++
      return
    }
    this.stmt(
      `INSERT OR REPLACE INTO snapshots (kind, key, value, fetched_at) VALUES (?, ?, ?, ?)`
    ).run(kind, key, json, this.now())
  }

  /** The last value stored under kind/key and when (epoch ms), or null. */
  getSnapshot(kind: string, key: string): { value: unknown; fetchedAt: number } | null {
    const row = this.stmt<[string, string], { value: string; fetched_at: number }>(
      `SELECT value, fetched_at FROM snapshots WHERE kind = ? AND key = ?`
    ).get(kind, key)
    return row ? { value: JSON.parse(row.value) as unknown, fetchedAt: row.fetched_at } : null
  }

  // ---- reads

  getRecord(entityId: string): CachedEntity | null {
    const row = this.stmt<[string], EntityRow>(`SELECT * FROM entities WHERE entity_id = ?`).get(
      entityId
    )
    return row ? rowToEntity(row) : null
  }

  /** One page of an entity's children, oldest created first. */
  getChildren(
    entityId: string,
    page: { cursor?: string | null; limit?: number } = {}
  ): { items: CachedEntity[]; nextCursor: string | null } {
    const limit = clampLimit(page.limit)
    const where = new Where()
      .add('parent_id = ?', entityId)
      .pastKey(['created_at', 'entity_id'], '>', pageKey(page.cursor))
    const rows = this.stmt<unknown[], EntityRow>(
      `SELECT * FROM entities ${where.clause()} ORDER BY created_at, entity_id LIMIT ?`
    ).all(...where.params, limit + 1)
    return keysetPage(rows, limit, rowToEntity, (r) => [r.created_at, r.entity_id])
  }

  /** Transitions of one entity, oldest first (at most 1000: the backend's own history cap). */
  getHistory(entityType: string, entityId: string): StateTransitionEvent[] {
    const rows = this.stmt<[string, string], { json: string }>(
      `SELECT json FROM transitions WHERE entity_id = ? AND entity_type = ?
       ORDER BY timestamp, seq LIMIT ${CACHE_PAGE_MAX}`
    ).all(entityId, entityType)
    return rows.map((r) => JSON.parse(r.json) as StateTransitionEvent)
  }

  /** One page of cached audit events, newest first, filtered as the backend's audit query is. */
  queryAudit(query: CacheAuditQuery): { events: AuditEvent[]; nextCursor: string | null } {
    const limit = clampLimit(query.limit)
    const match = query.text ? ftsQuery(query.text) : null
    const where = new Where()
      .optional('mission_id = ?', query.missionId)
      .optional('job_id = ?', query.jobId)
      .optional('event_type = ?', query.eventType)
      .optional('category = ?', query.category)
      .optional('severity = ?', query.severity)
      .optional('timestamp >= ?', query.since)
      .optional('timestamp <= ?', query.until)
      .optional(
        'rowid IN (SELECT rowid FROM audit_fts WHERE audit_fts MATCH ?)',
        match ?? undefined
      )
      .pastKey(['timestamp', 'audit_id'], '<', pageKey(query.cursor))
    const sql = `SELECT audit_id, timestamp, json FROM audit ${where.clause()}
      ORDER BY timestamp DESC, audit_id DESC LIMIT ?`
    const rows = this.stmt<unknown[], { audit_id: string; timestamp: string; json: string }>(
      sql
    ).all(...where.params, limit + 1)
    const { items, nextCursor } = keysetPage(
      rows,
      limit,
      (r) => JSON.parse(r.json) as AuditEvent,
      (r) => [r.timestamp, r.audit_id]
    )
    return { events: items, nextCursor }
  }

  // ---- added by services helper A (session/data reads on backends without list routes, e.g. BRAiN)

  /** One page of cached entities of one type, newest created first, optionally by state and parent. */
  listEntities(query: {
    entityType: string
    state?: string
    parentId?: string
    cursor?: string | null
    limit?: number
  }): { items: CachedEntity[]; nextCursor: string | null } {
    const limit = clampLimit(query.limit)
    const where = new Where()
      .add('entity_type = ?', query.entityType)
      .add('record IS NOT NULL')
      .optional('state = ?', query.state)
      .optional('parent_id = ?', query.parentId)
      .pastKey(['created_at', 'entity_id'], '<', pageKey(query.cursor))
    const rows = this.stmt<unknown[], EntityRow>(
      `SELECT * FROM entities ${where.clause()} ORDER BY created_at DESC, entity_id DESC LIMIT ?`
    ).all(...where.params, limit + 1)
    return keysetPage(rows, limit, rowToEntity, (r) => [r.created_at, r.entity_id])
  }

  /**
   * Ids of at most `limit` cached entities of one type under one parent (records known), in no
   * particular order: for walks over a subtree that need neither the records nor an order.
   */
  childIds(entityType: string, parentId: string, limit: number): string[] {
    return this.stmt<[string, string, number], { entity_id: string }>(
      `SELECT entity_id FROM entities
        WHERE parent_id = ? AND entity_type = ? AND record IS NOT NULL LIMIT ?`
    )
      .all(parentId, entityType, Math.max(0, limit))
      .map((row) => row.entity_id)
  }

  /** One page of cached governor decisions, newest first. */
  listDecisions(page: { cursor?: string | null; limit?: number } = {}): {
    items: Decision[]
    nextCursor: string | null
  } {
    const limit = clampLimit(page.limit)
    const where = new Where().pastKey(['timestamp', 'decision_id'], '<', pageKey(page.cursor))
    const rows = this.stmt<unknown[], { decision_id: string; timestamp: string; json: string }>(
      `SELECT decision_id, timestamp, json FROM decisions ${where.clause()} ORDER BY timestamp DESC, decision_id DESC LIMIT ?`
    ).all(...where.params, limit + 1)
    return keysetPage(
      rows,
      limit,
      (r) => JSON.parse(r.json) as Decision,
      (r) => [r.timestamp, r.decision_id]
    )
  }

  /** Counts of cached entities per type and current state, and of cached transitions per edge. */
  lifecycleCounts(): {
    states: Record<string, Record<string, number>>
    transitions: {
      entity_type: string
      from_state: string | null
      to_state: string
      count: number
    }[]
  } {
    const states: Record<string, Record<string, number>> = { mission: {}, job: {}, attempt: {} }
    const stateRows = this.stmt<[], { entity_type: string; state: string; n: number }>(
      `SELECT entity_type, state, COUNT(*) AS n FROM entities WHERE state IS NOT NULL GROUP BY entity_type, state`
    ).all()
    for (const r of stateRows) (states[r.entity_type] ??= {})[r.state] = r.n
    const transitions = this.stmt<
      [],
      { entity_type: string; from_state: string | null; to_state: string; n: number }
    >(
      `SELECT entity_type, json_extract(json, '$.from_state') AS from_state,
         json_extract(json, '$.to_state') AS to_state, COUNT(*) AS n
       FROM transitions GROUP BY 1, 2, 3`
    )
      .all()
      .map((r) => ({
        entity_type: r.entity_type,
        from_state: r.from_state,
        to_state: r.to_state,
        count: r.n
      }))
    return { states, transitions }
  }

  /** How many entities of one type the cache has a record of (what a list from the cache can show). */
  countEntities(entityType: string): number {
    const row = this.stmt<[string], { n: number }>(
      `SELECT COUNT(*) AS n FROM entities WHERE entity_type = ? AND record IS NOT NULL`
    ).get(entityType)
    return row?.n ?? 0
  }

  /**
   * Cached entities whose id starts with `prefix` (the palette's completion), by id. A range on the
   * primary key, so it costs an index seek whatever the cache holds.
   */
  entitiesByIdPrefix(prefix: string, limit: number): CachedEntity[] {
    const rows = this.stmt(
      `SELECT * FROM entities WHERE entity_id >= ? AND entity_id < ? ORDER BY entity_id LIMIT ?`
    ).all(prefix, `${prefix}\uffff`, clampLimit(limit)) as EntityRow[]
    return rows.map(rowToEntity)
  }

  /** Distinct job types of cached jobs containing `text` (case-insensitive), by name. */
  jobTypes(text: string, limit: number): string[] {
    const rows = this.stmt(
      `SELECT DISTINCT json_extract(record, '$.job_type') AS t FROM entities
       WHERE entity_type = 'job' AND record IS NOT NULL AND instr(lower(json_extract(record, '$.job_type')), lower(?)) > 0
       ORDER BY t LIMIT ?`
    ).all(text, clampLimit(limit)) as { t: string | null }[]
    return rows.flatMap((r) => (typeof r.t === 'string' ? [r.t] : []))
  }

  /** The row a page cursor (`@<seq>`) or, for older callers, an event id (its newest copy) names. */
  private seqOf(ref: string): number | null {
    const cursor = /^@(\d{1,15})$/.exec(ref)
    if (cursor) return Number(cursor[1])
    const row = this.stmt<[string], { seq: number }>(
      `SELECT seq FROM stream_events WHERE id = ? ORDER BY seq DESC LIMIT 1`
    ).get(ref)
    return row ? row.seq : null
  }

  /**
   * One page of stream events in delivery order. An afterId/beforeId that is not cached (cleared,
   * or deleted by retention) reads from the respective end, so a caller never gets stuck.
   */
  queryStreamEvents(query: CacheStreamQuery = {}): CacheStreamPage {
    this.flush()
    const limit = clampLimit(query.limit)
    const channel = query.channel && query.channel !== 'all' ? query.channel : null
    const channelSql = channel ? 'AND channel = ?' : ''
    const channelParams = channel ? [channel] : []
    if (query.afterId !== undefined) {
      const after = this.seqOf(query.afterId) ?? 0
      const rows = this.stmt<unknown[], StreamRow>(
        `SELECT * FROM stream_events WHERE seq > ? ${channelSql} ORDER BY seq LIMIT ?`
      ).all(after, ...channelParams, limit + 1)
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        events: page.map(rowToEvent),
        nextBeforeId: null,
        nextAfterId: last ? streamCursor(last) : (query.afterId ?? null)
      }
    }
    const before =
      query.beforeId !== undefined
        ? (this.seqOf(query.beforeId) ?? Number.MAX_SAFE_INTEGER)
        : Number.MAX_SAFE_INTEGER
    const rows = this.stmt<unknown[], StreamRow>(
      `SELECT * FROM stream_events WHERE seq < ? ${channelSql} ORDER BY seq DESC LIMIT ?`
    ).all(before, ...channelParams, limit + 1)
    const more = rows.length > limit
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      events: page.map(rowToEvent),
      nextBeforeId: more && last ? streamCursor(last) : null,
      nextAfterId: null
    }
  }

  /**
   * Where a new LiveEventStream resumes after a restart: the newest backend-issued id (sent as
   * Last-Event-ID), else — on backends without a stream — the newest polled `audit:<id>` (the
   * poller pages back to it instead of re-delivering its first page). Null when neither exists.
   */
  lastStreamEventId(): string | null {
    return this.streamResumePoint()?.id ?? null
  }

  /** lastStreamEventId with the epoch of the log it belongs to (null: the backend named none). */
  streamResumePoint(): { id: string; epoch: string | null } | null {
    this.flush()
    const newest = (where: string): { id: string; epoch: string } | undefined =>
      this.stmt<[], { id: string; epoch: string }>(
        `SELECT id, epoch FROM stream_events WHERE ${where} ORDER BY seq DESC LIMIT 1`
      ).get()
    const row = newest('resumable = 1') ?? newest(`id LIKE 'audit:%'`)
    return row ? { id: row.id, epoch: row.epoch === '' ? null : row.epoch } : null
  }

  // ---- status and retention

  status(): CacheStoreStatus {
    this.flush()
    const count = (table: string): number =>
      this.stmt<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0
    const oldest = this.stmt<[], { t: number | null }>(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(seen_at) AS t FROM entities UNION ALL SELECT MIN(seen_at) FROM transitions
         UNION ALL SELECT MIN(seen_at) FROM audit UNION ALL SELECT MIN(seen_at) FROM decisions
         UNION ALL SELECT seen_at FROM (SELECT seen_at FROM stream_events ORDER BY seq LIMIT 1))`
    ).get()
    const oldestMs = oldest?.t ?? null
    return {
      path: this.path,
      sizeBytes: this.fileSizeBytes(),
      rows: {
        entities: count('entities'),
        transitions: count('transitions'),
        audit: count('audit'),
        events: count('stream_events'),
        decisions: count('decisions')
      },
      oldestAt: oldestMs === null ? null : new Date(oldestMs).toISOString(),
      retention: { ...this.retention }
    }
  }

  /** Bytes on disk: the database file plus its WAL. */
  private fileSizeBytes(): number {
    if (this.path === ':memory:') {
      return pragmaNumber(this.db, 'page_count') * pragmaNumber(this.db, 'page_size')
    }
    let total = 0
    for (const file of [this.path, `${this.path}-wal`]) {
      try {
        total += statSync(file).size
      } catch {
        // the WAL may not exist yet
      }
    }
    return total
  }

  getRetention(): CacheRetention {
    return { ...this.retention }
  }

  /** Stores a new retention; call enforceRetention() to apply it. */
  setRetention(retention: CacheRetention): void {
    this.retention = { days: retention.days, maxMb: retention.maxMb }
    this.stmt(`INSERT OR REPLACE INTO meta (key, value) VALUES ('retention', ?)`).run(
      JSON.stringify(this.retention)
    )
  }

  private loadRetention(): CacheRetention {
    const row = this.stmt<[], { value: string }>(
      `SELECT value FROM meta WHERE key = 'retention'`
    ).get()
    if (!row) return { ...DEFAULT_CACHE_RETENTION }
    try {
      const value = JSON.parse(row.value) as Partial<CacheRetention>
      if (typeof value.days === 'number' && typeof value.maxMb === 'number') {
        return { days: value.days, maxMb: value.maxMb }
      }
    } catch {
      // a damaged meta row falls back to the default rather than making the cache unusable
    }
    return { ...DEFAULT_CACHE_RETENTION }
  }

  /**
   * Deletes rows older than `days`, then the oldest rows until the data fits in `maxMb`, and
   * gives freed pages back to the file system. Returns how many rows went.
   */
  enforceRetention(): { deleted: number } {
    this.flush()
    return runRetention(this.db, this.retention, this.now())
  }

  /** Deletes every cached row (retention setting kept) and shrinks the file. */
  clear(): void {
    this.flush()
    this.db.transaction(() => {
      // audit rows leave the FTS index through the delete trigger.
      for (const table of [
        'entities',
        'transitions',
        'audit',
        'decisions',
        'stream_events',
        'snapshots'
      ]) {
        this.db.exec(`DELETE FROM ${table}`)
      }
    })()
    this.db.pragma('incremental_vacuum')
    this.db.pragma('wal_checkpoint(TRUNCATE)')
  }

  close(): void {
    if (this.closed) return
    this.streamBuffer.flush()
    this.closed = true
    this.db.close()
  }
}

import type { Statement } from 'better-sqlite3'
import type { Store } from '../store/store'
import type { LoggedEvent, StreamHub } from './hub'
import { Sequence } from '../store/sequence'
import type { AuditEvent } from '../../shared/neurorail/audit'
import type {
  CatalogChannel,
  CatalogEventType,
  StreamEventDataIn
} from '../../shared/neurorail/events'
import { STREAM_CHANNELS } from './filter'
import { StreamLogIdentity } from './resume'
import { aggregateRow } from '../store/statements'

/** Default number of events the durable log keeps for resume before pruning the oldest. */
export const DEFAULT_EVENT_RETENTION = 1_000_000

/**
 * The durable event log behind SSE. `publish` writes the event in the caller's transaction (so a
 * transition, its audit row and its stream event commit or vanish together) and hands it to the
 * hub only after commit. Ids come from an in-memory counter seeded from the table: knowing the id
 * before the insert lets the payload carry it, so the JSON is built exactly once for the log, the
 * live fan-out and every resume.
 *
 * Ids are therefore handed out before their events commit (the group commit runs at the end of
 * the event-loop turn), and a unit that rolls back leaves a gap. Everything that reads the log
 * from outside sees only the committed part: `lastId()` is the highest committed id and
 * `readAfter` stops there. Otherwise a stream opened in the turn of a write would start past
 * events still in flight (never sending them: their ids are below its start), a resume could
 * send an event before it is on disk (or one whose unit then fails), and a resume check would
 * measure a client's id against ids nobody can have received.
 */
export class EventLog {
  /** Which log this is (its epoch) and how a client's resume point maps onto it. */
  readonly identity: StreamLogIdentity
  private readonly ids: Sequence
  /** Highest id whose event has committed (see the class comment); ids above it are in flight. */
  private committedEnd: number
  private readonly insert: Statement
  private readonly readAfterStmt: Statement<[number, number, number], LoggedEvent>
  private readonly perChannel = new Map<string, number>()
  private sinceLastPrune = 0
  /**
   * Events of the running unit, waiting for its commit, and that unit's number. The list belongs
   * to the unit's after-commit callback: a unit that rolls back drops both, so its events are
   * never announced and never hold up the events of later units.
   */
  private unitEvents: LoggedEvent[] = []
  private unitNo = -1

  constructor(
    private readonly store: Store,
    private readonly hub: () => StreamHub | null,
    private readonly retention = DEFAULT_EVENT_RETENTION
  ) {
    const db = store.db
    // A fork ends the open streams: their next events belong to the new epoch (see resume.ts).
    this.identity = new StreamLogIdentity(store, () =>
      this.hub()?.endAll('the event log took a new epoch; reconnect to resume in it')
    )
    // Seeded from sqlite_sequence too, which remembers ids of pruned rows: never reuse one.
    this.ids = new Sequence(db, 'stream_events', 'id')
    this.insert = db.prepare(
      'INSERT INTO stream_events (id, channel, event_type, payload) VALUES (?, ?, ?, ?)'
    )
    this.committedEnd = this.ids.last()
    this.readAfterStmt = db.prepare<[number, number, number], LoggedEvent>(
      'SELECT id, channel, event_type, payload FROM stream_events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?'
    )
    const counts = db.prepare<[], { channel: string; n: number }>(
      'SELECT channel, COUNT(*) AS n FROM stream_events GROUP BY channel'
    )
    for (const row of counts.all()) {
      this.perChannel.set(row.channel, row.n)
    }
  }

  /**
   * Publishes one catalogued stream event: `{channel, event_type, timestamp (Unix seconds), data,
   * id}`. Channel, type and data are checked against the catalog in src/shared at compile time.
   * Inside `store.transaction` it joins that transaction; the live fan-out happens after commit.
   */
  publish<C extends CatalogChannel, T extends CatalogEventType<C>>(
    channel: C,
    eventType: T,
    data: StreamEventDataIn<C, T>
  ): LoggedEvent {
    return this.publishAny(channel, eventType, data as Record<string, unknown>)
  }

  /**
   * `publish` for callers that already hold `data` serialised: `dataJson` must be the JSON of
   * `data` (the object still serves entity filters without a parse). Saves walking big payloads
   * twice on the lifecycle hot path.
   */
  publishPrepared<C extends CatalogChannel, T extends CatalogEventType<C>>(
    channel: C,
    eventType: T,
    data: StreamEventDataIn<C, T>,
    dataJson: string
  ): LoggedEvent {
    return this.publishAnyPrepared(channel, eventType, data as Record<string, unknown>, dataJson)
  }

  /** Publishes one audit row on the `audit` channel (`eventJson` is its JSON). */
  publishAudit(event: AuditEvent, eventJson: string): LoggedEvent {
    return this.publishAnyPrepared(
      'audit',
      event.event_type,
      event as unknown as Record<string, unknown>,
      eventJson
    )
  }

  /**
   * Publishes an event outside the catalog: only for POST /stream/publish, whose clients name
   * their own channel, type and data (consumers read such events as unknown facts).
   */
  publishExternal(channel: string, eventType: string, data: Record<string, unknown>): LoggedEvent {
    return this.publishAny(channel, eventType, data)
  }

  private publishAny(
    channel: string,
    eventType: string,
    data: Record<string, unknown>
  ): LoggedEvent {
    const id = this.ids.take()
    // One JSON.stringify of the whole envelope gives a flat string; spliced text would be a rope
    // that costs more memory while the event waits for its commit.
    const payload = JSON.stringify({
      channel,
      event_type: eventType,
      timestamp: Date.now() / 1000,
      data,
      id: String(id)
    })
    return this.log(id, channel, eventType, payload, data)
  }

  private publishAnyPrepared(
    channel: string,
    eventType: string,
    data: Record<string, unknown>,
    dataJson: string
  ): LoggedEvent {
    const id = this.ids.take()
    // The same text JSON.stringify({channel, event_type, timestamp, data, id}) gives.
    const payload =
      `{"channel":${JSON.stringify(channel)},"event_type":${JSON.stringify(eventType)},` +
      `"timestamp":${JSON.stringify(Date.now() / 1000)},"data":${dataJson},"id":"${id}"}`
    return this.log(id, channel, eventType, payload, data)
  }

  private log(
    id: number,
    channel: string,
    eventType: string,
    payload: string,
    data: Record<string, unknown>
  ): LoggedEvent {
    // The data object is kept for the fan-out only when a subscriber filters by entity (the hub
    // parses the payload on demand otherwise): events wait for their commit, and bursts of them
    // surviving young-generation GCs is what makes V8 grow its heap.
    const keepData = this.hub()?.filtersByEntity() ?? false
    const event: LoggedEvent = keepData
      ? { id, channel, event_type: eventType, payload, data }
      : { id, channel, event_type: eventType, payload }
    this.store.transaction(() => {
      this.insert.run(id, channel, eventType, payload)
      // One after-commit callback per unit, however many events it publishes.
      if (this.unitNo !== this.store.currentUnit) {
        const events: LoggedEvent[] = []
        this.unitEvents = events
        this.unitNo = this.store.currentUnit
        this.store.afterCommit(() => this.flushBroadcast(events))
      }
      this.unitEvents.push(event)
    })
    if (++this.sinceLastPrune >= 10_000) {
      this.sinceLastPrune = 0
      this.store.afterCommit(() => this.prune())
    }
    return event
  }

  private flushBroadcast(events: LoggedEvent[]): void {
    // Counted here, after commit: a rolled-back event is not in the log.
    for (const e of events)
      this.perChannel.set(e.channel, (this.perChannel.get(e.channel) ?? 0) + 1)
    // Units commit in id order (one batch at a time), so the committed end only moves up.
    const last = events.at(-1)
    if (last) this.committedEnd = Math.max(this.committedEnd, last.id)
    this.hub()?.broadcast(events)
  }

  /** Committed events with id > `afterId`, oldest first (none still waiting for their commit). */
  readAfter(afterId: number, limit: number): LoggedEvent[] {
    return this.readAfterStmt.all(afterId, this.committedEnd, limit)
  }

  /** Lowest id still in the log (null when it is empty). */
  oldestId(): number | null {
    const row = aggregateRow(
      this.store.prepare<[], { m: number | null }>('SELECT MIN(id) AS m FROM stream_events')
    )
    return row.m
  }

  /** Event count per channel currently in the log (reported as `buffer_sizes`). */
  sizes(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const c of STREAM_CHANNELS) out[c] = this.perChannel.get(c) ?? 0
    return out
  }

  /**
   * Highest id of a committed event (0 when none): the end of the log as any reader may know it.
   * Ids of events still waiting for their commit are above it.
   */
  lastId(): number {
    return this.committedEnd
  }

  /** Deletes every logged event (DELETE /stream/buffers). Ids keep counting up. */
  clear(): void {
    this.store.db.prepare('DELETE FROM stream_events').run()
    this.perChannel.clear()
  }

  /** Drops the oldest events beyond the retention bound (a cheap primary-key range delete). */
  private prune(): void {
    const cutoff = this.ids.last() - this.retention
    if (cutoff <= 0) return
    this.store.transaction(() => {
      const gone = this.store
        .prepare<unknown[], { channel: string; n: number }>(
          'SELECT channel, COUNT(*) AS n FROM stream_events WHERE id <= ? GROUP BY channel'
        )
        .all(cutoff)
      this.store.prepare('DELETE FROM stream_events WHERE id <= ?').run(cutoff)
      for (const row of gone) {
        this.perChannel.set(
          row.channel,
          Math.max(0, (this.perChannel.get(row.channel) ?? 0) - row.n)
        )
      }
    })
  }
}

import type { Statement } from 'better-sqlite3'
import type {
  AuditEvent,
  AuditRecorder,
  AuditLogRequest,
  AuditQueryRequest,
  AuditQueryResponse,
  AuditStats
} from '../../shared/neurorail'
import { isoOf, isUniqueViolation, newAuditId } from '../identity/ids'
import { jsonText, parseJsonColumn } from '../store/json'
import type { Store } from '../store/store'
import { Where } from '../store/where'
import type { EventLog } from '../stream/event-log'
import { currentRecorder } from '../store/recorder'
import { aggregateRow } from '../store/statements'

interface AuditRow {
  audit_id: string
  timestamp: string
  mission_id: string | null
  plan_id: string | null
  job_id: string | null
  attempt_id: string | null
  resource_uuid: string | null
  event_type: string
  event_category: AuditEvent['event_category']
  severity: AuditEvent['severity']
  message: string
  details: string
  caused_by_agent: string | null
  caused_by_event: string | null
  recorded_by: string | null
}

const COLUMNS =
  'audit_id, timestamp, mission_id, plan_id, job_id, attempt_id, resource_uuid, event_type, ' +
  'event_category, severity, message, details, caused_by_agent, caused_by_event, recorded_by'

function toEvent(r: AuditRow): AuditEvent {
  return {
    audit_id: r.audit_id,
    timestamp: r.timestamp,
    mission_id: r.mission_id,
    plan_id: r.plan_id,
    job_id: r.job_id,
    attempt_id: r.attempt_id,
    resource_uuid: r.resource_uuid,
    event_type: r.event_type,
    event_category: r.event_category,
    severity: r.severity,
    message: r.message,
    // Stored as text and parsed once here: the real backend's double-parse 500 cannot happen.
    details: parseJsonColumn<Record<string, unknown>>(r.details, {}),
    caused_by_agent: r.caused_by_agent,
    caused_by_event: r.caused_by_event,
    recorded_by:
      r.recorded_by === null ? null : parseJsonColumn<AuditRecorder | null>(r.recorded_by, null)
  }
}

/** The earliest `time_range_start` the real backend reports when none is given. */
const EPOCH_START = '0001-01-01T00:00:00.000Z'

/**
 * The audit log (API §3 Audit plus the `POST /audit/log` extension). Every write also goes out on
 * the `audit` stream channel in the same transaction.
 */
export class AuditService {
  private readonly insert: Statement
  private written = 0

  constructor(
    private readonly store: Store,
    private readonly events: EventLog
  ) {
    this.insert = this.store.prepare(
      `INSERT INTO audit_events (${COLUMNS}, ts_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
  }

  /** Audit events written since the engine started (for /metrics). */
  get writtenCount(): number {
    return this.written
  }

  /**
   * Writes one audit event (joins the caller's transaction) and publishes it on `audit`. Its
   * `recorded_by` is the principal of the request being handled (audit/recorder), whatever the
   * input says: callers cannot choose it.
   */
  write(input: AuditLogRequest, nowMs = Date.now()): AuditEvent {
    return this.writePrepared(input, JSON.stringify(input.details), nowMs, isoOf(nowMs))
  }

  /**
   * `write` for callers that already hold `input.details` serialised (`detailsJson` must be its
   * JSON) and the ISO form of `nowMs`: the lifecycle hot path builds both once for the audit row,
   * its stream payload and its own event.
   */
  writePrepared(
    input: AuditLogRequest,
    detailsJson: string,
    nowMs: number,
    timestamp: string
  ): AuditEvent {
    const recorder = currentRecorder()
    const recorderJson =
      recorder === null ? null : JSON.stringify({ name: recorder.name, role: recorder.role })
    return this.store.transaction(() => {
      for (let i = 0; ; i++) {
        const event: AuditEvent = {
          audit_id: newAuditId(),
          timestamp,
          mission_id: input.mission_id ?? null,
          plan_id: input.plan_id ?? null,
          job_id: input.job_id ?? null,
          attempt_id: input.attempt_id ?? null,
          resource_uuid: input.resource_uuid ?? null,
          event_type: input.event_type,
          event_category: input.event_category,
          severity: input.severity,
          message: input.message,
          details: input.details,
          caused_by_agent: input.caused_by_agent ?? null,
          caused_by_event: input.caused_by_event ?? null,
          recorded_by: recorder === null ? null : { name: recorder.name, role: recorder.role }
        }
        try {
          this.insert.run(
            event.audit_id,
            event.timestamp,
            event.mission_id,
            event.plan_id,
            event.job_id,
            event.attempt_id,
            event.resource_uuid,
            event.event_type,
            event.event_category,
            event.severity,
            event.message,
            detailsJson,
            event.caused_by_agent,
            event.caused_by_event,
            recorderJson,
            nowMs
          )
        } catch (err) {
          // 48 random bits: a clash is rare but possible over millions of events; draw again.
          if (isUniqueViolation(err) && i < 4) continue
          throw err
        }
        this.written++
        const q = jsonText
        // Key order as in `event`, so the payload equals JSON.stringify(event) without walking details again.
        const eventJson =
          `{"audit_id":${q(event.audit_id)},"timestamp":${q(timestamp)},"mission_id":${q(event.mission_id)},` +
          `"plan_id":${q(event.plan_id)},"job_id":${q(event.job_id)},"attempt_id":${q(event.attempt_id)},` +
          `"resource_uuid":${q(event.resource_uuid)},"event_type":${q(event.event_type)},` +
          `"event_category":${q(event.event_category)},"severity":${q(event.severity)},"message":${q(event.message)},` +
          `"details":${detailsJson},"caused_by_agent":${q(event.caused_by_agent)},"caused_by_event":${q(event.caused_by_event)},` +
          `"recorded_by":${recorderJson ?? 'null'}}`
        this.events.publishAudit(event, eventJson)
        return event
      }
    })
  }

  /** POST /audit/query: filters, newest first, offset paging, total before paging. */
  query(q: AuditQueryRequest): AuditQueryResponse {
    const where = new Where()
      .equals('mission_id', q.mission_id)
      .equals('job_id', q.job_id)
      .equals('event_type', q.event_type)
      .equals('event_category', q.event_category)
      .equals('severity', q.severity)
      .between('ts_ms', q.start_time, q.end_time)
    const clause = where.clause()
    const total = aggregateRow(
      this.store.prepare<unknown[], { n: number }>(
        `SELECT COUNT(*) AS n FROM audit_events ${clause}`
      ),
      ...where.params
    ).n
    const rows = this.store
      .prepare<unknown[], AuditRow>(
        `SELECT ${COLUMNS} FROM audit_events ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`
      )
      .all(...where.params, q.limit, q.offset)
    return { events: rows.map(toEvent), total, limit: q.limit, offset: q.offset }
  }

  /** GET /audit/mission/{id}: at most 1000 events of the mission, newest first. */
  byMission(missionId: string): AuditEvent[] {
    const rows = this.store
      .prepare<unknown[], AuditRow>(
        `SELECT ${COLUMNS} FROM audit_events WHERE mission_id = ? ORDER BY seq DESC LIMIT 1000`
      )
      .all(missionId)
    return rows.map(toEvent)
  }

  /** GET /audit/stats: counts by category, severity and (top 20) type in a time range. */
  stats(startTime: string | null | undefined, endTime: string | null | undefined): AuditStats {
    const nowIso = new Date().toISOString()
    const start = startTime ?? EPOCH_START
    const end = endTime ?? nowIso
    const args = [Date.parse(start), Date.parse(end)]
    // Without a limit the query has no LIMIT at all: `LIMIT -1` is SQLite's, not portable SQL.
    const group = (col: string, limit?: number): Record<string, number> => {
      const rows = this.store
        .prepare<number[], { k: string; n: number }>(
          `SELECT ${col} AS k, COUNT(*) AS n FROM audit_events WHERE ts_ms BETWEEN ? AND ? ` +
            `GROUP BY ${col} ORDER BY n DESC, k${limit === undefined ? '' : ' LIMIT ?'}`
        )
        .all(...args, ...(limit === undefined ? [] : [limit]))
      return Object.fromEntries(rows.map((r) => [r.k, r.n]))
    }
    const total = aggregateRow(
      this.store.prepare<number[], { n: number }>(
        'SELECT COUNT(*) AS n FROM audit_events WHERE ts_ms BETWEEN ? AND ?'
      ),
      ...args
    ).n
    return {
      total_events: total,
      events_by_category: group('event_category'),
      events_by_severity: group('severity'),
      events_by_type: group('event_type', 20),
      time_range_start: start,
      time_range_end: end
    }
  }
}

import type { AuditEvent } from '../../../shared/neurorail/audit'
import type { LiveEvent } from '../../../shared/console/domains/live'
import type { AuditLogInput } from '../client/backend-client'

const BASE_MS = Date.parse('2026-11-23T00:00:00.000Z')

/** A 12-hex suffix derived from n, so ids are well-formed and distinct. */
export function hex12(n: number): string {
  return n.toString(16).padStart(12, '0').slice(-12)
}

/**
 * An audit row as a client logs it (POST /audit/log): execution_start, info, every link and cause
 * null, empty message and details, unless `fields` say otherwise.
 */
export function auditLogEntry(fields: Partial<AuditLogInput> = {}): AuditLogInput {
  return {
    mission_id: null,
    plan_id: null,
    job_id: null,
    attempt_id: null,
    resource_uuid: null,
    event_type: 'execution_start',
    event_category: 'execution',
    severity: 'info',
    message: '',
    details: {},
    caused_by_agent: null,
    caused_by_event: null,
    ...fields
  }
}

/** An audit event as the backend sends it: the row of auditLogEntry with its id and time. */
export function auditEvent(
  fields: Pick<AuditEvent, 'audit_id' | 'timestamp'> & Partial<AuditEvent>
): AuditEvent {
  const { audit_id, timestamp, ...rest } = fields
  return { audit_id, timestamp, ...auditLogEntry(rest) }
}

/** Audit event number n (timestamps one second apart from a fixed base). */
export function makeAuditEvent(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return auditEvent({
    audit_id: `aud_${hex12(n)}`,
    timestamp: new Date(BASE_MS + n * 1000).toISOString(),
    mission_id: `m_${hex12(n % 3)}`,
    job_id: `j_${hex12(n % 5)}`,
    event_type: n % 2 === 0 ? 'execution_start' : 'execution_success',
    severity: n % 7 === 0 ? 'error' : 'info',
    message: `job ${n} ${n % 2 === 0 ? 'started' : 'finished'} on worker-${n % 4}`,
    details: { n },
    ...overrides
  })
}

/** Stream event with id String(n) on channel `channel`. */
export function makeLiveEvent(n: number, channel: LiveEvent['channel'] = 'lifecycle'): LiveEvent {
  return {
    id: String(n),
    channel,
    event_type: 'state_transition',
    timestamp: BASE_MS / 1000 + n / 1000,
    data: { entity_id: `j_${hex12(n % 50)}`, from_state: 'pending', to_state: 'running', n }
  }
}

import { describe, expect, it } from 'vitest'
import { AuditEventSchema } from './audit'
import { isFailureEvent } from './audit-failures'

const event = (
  event_type: string,
  severity: 'info' | 'warning' | 'error' | 'critical' | null,
  details: Record<string, unknown> = {}
) => ({
  event_type,
  severity,
  details
})

describe('isFailureEvent (BRAiN levels are nullable: the type decides first)', () => {
  it.each([
    ['execution_failure', null, {}],
    ['execution_failure', 'info', {}],
    ['shadow_evaluation_failed', null, {}],
    ['budget_violation', 'warning', {}],
    ['job_given_up', null, {}],
    ['reflex_action_executed', 'error', {}],
    ['governor_decision', 'critical', {}],
    ['agent_note', null, { error_code: 'NR-E003' }],
    ['state_transition', 'warning', { to_state: 'failed_mechanical' }],
    ['state_transition', null, { to_state: 'timeout' }]
  ] as const)('%s at %s counts', (type, severity, details) => {
    expect(isFailureEvent(event(type, severity, details))).toBe(true)
  })

  it.each([
    ['execution_success', 'error', {}],
    ['execution_start', null, {}],
    ['execution_start', 'critical', { error_code: 'NR-E001' }],
    ['state_transition', 'warning', { to_state: 'running' }],
    ['agent_note', null, {}],
    ['agent_note', 'warning', {}],
    ['governor_decision', 'info', { code: 'not-an-nr-code' }]
  ] as const)('%s at %s does not', (type, severity, details) => {
    expect(isFailureEvent(event(type, severity, details))).toBe(false)
  })
})

describe('AuditEventSchema and BRAiN rows without a level', () => {
  const row = {
    audit_id: 'aud_000000000001',
    timestamp: '2026-11-23T05:52:19.188524',
    event_type: 'execution_failure',
    event_category: 'execution',
    message: 'failed',
    details: {}
  }

  it('reads a null or absent severity as null, and still refuses an unknown one', () => {
    expect(AuditEventSchema.parse({ ...row, severity: null }).severity).toBeNull()
    expect(AuditEventSchema.parse(row).severity).toBeNull()
    expect(AuditEventSchema.safeParse({ ...row, severity: 'apocalyptic' }).success).toBe(false)
  })
})

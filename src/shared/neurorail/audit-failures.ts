import type { AuditEvent } from './audit'
import { ERROR_CODE_PATTERN } from './errors'

/** Event types that report progress or success, never a failure, whatever their severity says. */
const NEVER_FAILURE = /(^|_)(start|started|success|succeeded|completed|complete|ok|created)$/

/** Event types that name a failure: BRAiN's execution_failure, `*_failed`, `*_failure`, `*_error`. */
const FAILURE_TYPE = /(^|_)(failure|failed|error|errored|timeout|timed_out|violation|given_up)$/

/** Lifecycle states an entity fails into (every machine's failure and timeout states). */
const FAILURE_STATE = /^(failed(_\w+)?|timeout)$/

/**
 * True when an audit event reports a failure. BRAiN's levels are nullable, so the type decides
 * first: start and success events never count (even if mislabelled), a failure type or an error
 * code in `details` always counts, a transition counts when it enters a failure state; otherwise an
 * `error` or `critical` severity counts. Warnings and info alone do not.
 */
export function isFailureEvent(
  event: Pick<AuditEvent, 'event_type' | 'severity' | 'details'>
): boolean {
  const type = event.event_type.toLowerCase()
  if (NEVER_FAILURE.test(type)) return false
  if (FAILURE_TYPE.test(type)) return true
  const details = event.details as Record<string, unknown>
  if (type === 'state_transition' || type === 'state_changed') {
    return typeof details.to_state === 'string' && FAILURE_STATE.test(details.to_state)
  }
  // An NR error code in details: BRAiN's failures carry one even without a level.
  const code = details.error_code ?? details.code
  if (typeof code === 'string' && ERROR_CODE_PATTERN.test(code)) return true
  return event.severity === 'error' || event.severity === 'critical'
}

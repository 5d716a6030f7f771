import type { AuditEvent } from '../../../../shared/neurorail/audit'
import { api } from '../../lib/api'
import { useAsync, useDataEpoch } from '../../lib/useAsync'

const RECENT_FAILURES = 8

/**
 * Recent failures from the audit log: errors and critical events (BRAiN's execution_failure) and
 * transitions into failure states (our engine logs those as warnings), newest first.
 */
async function recentFailures(): Promise<{ events: AuditEvent[] }> {
  const [errors, critical, transitions] = await Promise.all([
    api().queryAudit({ severity: 'error', limit: RECENT_FAILURES }),
    api().queryAudit({ severity: 'critical', limit: RECENT_FAILURES }),
    api().queryAudit({ severity: 'warning', eventType: 'state_transition', limit: RECENT_FAILURES })
  ])
  const events = [...errors.events, ...critical.events, ...transitions.events]
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
    .slice(0, RECENT_FAILURES)
  return { events }
}

/** Everything the overview loads on its own (the live parts come from the store). */
export function useOverviewData() {
  const epoch = useDataEpoch()
  const stats = useAsync(() => api().getLifecycleStats({}), `stats:${epoch}`, 5000)
  const telemetry = useAsync(() => api().getTelemetrySnapshot({}), `tele:${epoch}`, 5000)
  const failures = useAsync(recentFailures, `fail:${epoch}`, 5000)
  const violations = useAsync(() => api().listViolations({ limit: 100 }), `viol:${epoch}`, 5000)
  const signals = useAsync(() => api().listSignals({ limit: 20 }), `sig:${epoch}`, 10_000)
  return { stats, telemetry, failures, violations, signals }
}

import { api } from '../../lib/transport/api'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'

const RECENT_FAILURES = 8

/** Everything the overview loads on its own (the live parts come from the store). */
export function useOverviewData() {
  const epoch = useDataEpoch()
  const stats = useAsync(() => api().getLifecycleStats({}), `stats:${epoch}`, 5000)
  const telemetry = useAsync(() => api().getTelemetrySnapshot({}), `tele:${epoch}`, 5000)
  // Failures only, chosen in the main process (BRAiN leaves levels empty: the type decides there).
  const failures = useAsync(
    () => api().listRecentFailures({ limit: RECENT_FAILURES }),
    `fail:${epoch}`,
    5000
  )
  const violations = useAsync(() => api().listViolations({ limit: 100 }), `viol:${epoch}`, 5000)
  const signals = useAsync(() => api().listSignals({ limit: 20 }), `sig:${epoch}`, 10_000)
  return { stats, telemetry, failures, violations, signals }
}

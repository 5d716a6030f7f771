import { useEffect } from 'react'
import { api } from '../../lib/transport/api'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'
import { useStore } from '../../store'

/**
 * Lifecycle stats (every 10 s; live transitions move the counts in between) and the running jobs.
 * The stats land in the store so the live feed can adjust them.
 */
export function useLifecycleData() {
  const epoch = useDataEpoch()
  const stats = useAsync(() => api().getLifecycleStats({}), `lstats:${epoch}`, 10_000)
  const running = useAsync(
    () => api().listJobs({ state: 'running', limit: 50 }),
    `running:${epoch}`,
    5000
  )
  // Transitions recorded before the console started listening, from the audit log.
  const earlier = useAsync(
    () => api().queryAudit({ eventType: 'state_transition', limit: 40 }),
    `ltrans:${epoch}`,
    10_000
  )
  const setCounts = useStore((s) => s.setLifecycleCounts)
  useEffect(() => {
    if (stats.data) setCounts(stats.data.states)
  }, [stats.data, setCounts])
  return { stats, running, earlier }
}

import { api } from '../../lib/transport/api'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'

/** Budget reads of the backend (usage per job, totals, violations), refreshed every 5 s. */
export function useBudgetData() {
  const epoch = useDataEpoch()
  const overview = useAsync(() => api().getBudgetOverview({ limit: 20 }), `budget:${epoch}`, 5000)
  const violations = useAsync(
    () => api().listViolations({ limit: 200 }),
    `violations:${epoch}`,
    5000
  )
  return { overview, violations }
}

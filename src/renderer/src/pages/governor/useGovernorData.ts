import { api } from '../../lib/transport/api'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'

/** Governor info, its manifests (rules) and recent decisions. */
export function useGovernorData(decisionsNonce: number) {
  const epoch = useDataEpoch()
  const info = useAsync(() => api().getGovernorInfo({}), `ginfo:${epoch}`)
  const manifests = useAsync(() => api().getGovernorManifests({}), `gman:${epoch}`)
  const decisions = useAsync(
    () => api().listDecisions({ limit: 100 }),
    `gdec:${epoch}:${decisionsNonce}`,
    10_000
  )
  return { info, manifests, decisions }
}

import { api } from '../../lib/transport/api'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'

/** Reflex reads of the backend (circuits, triggers, reflex jobs, actions), refreshed every 5 s. */
export function useReflexData() {
  const epoch = useDataEpoch()
  const circuits = useAsync(() => api().listCircuits({}), `circuits:${epoch}`, 5000)
  const actions = useAsync(() => api().listReflexActions({ limit: 100 }), `ractions:${epoch}`, 5000)
  return { circuits, actions }
}

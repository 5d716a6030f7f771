import { api } from '../../lib/api'
import { useStore } from '../../store'

/** Reloads the environment list into the store (after any change made from this page). */
export async function refreshEnvironments(): Promise<void> {
  const list = await api().listEnvironments({})
  useStore.getState().setEnvironments(list.environments, list.activeId, list.warnings)
}

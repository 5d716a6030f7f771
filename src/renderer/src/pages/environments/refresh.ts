import { api } from '../../lib/transport/api'
import { useBusyAction } from '../../lib/hooks/useBusyAction'
import { useStore } from '../../store'

/** Reloads the environment list into the store (after any change made from this page). */
export async function refreshEnvironments(): Promise<void> {
  const list = await api().listEnvironments({})
  useStore.getState().setEnvironments(list.environments, list.activeId, list.warnings)
}

/**
 * A change made from an environment form: while `change`'s action runs the form is `busy`; when it
 * succeeds the list is reloaded and the form closed, when it fails `error` says why.
 */
export function useEnvironmentChange(onClose: () => void) {
  const { busy, error, run } = useBusyAction()
  async function change(action: () => Promise<unknown>): Promise<void> {
    const ok = await run(async () => {
      await action()
      await refreshEnvironments()
    })
    if (ok) onClose()
  }
  return { busy, error, change }
}

import { useStore } from '../../store'
import { api } from '../transport/api'
import { downloadText } from './bundleFiles'

/** Makes `id` the active environment and refreshes the store (title-bar switcher, palette). */
export async function switchEnvironmentTo(id: string): Promise<void> {
  const connection = await api().switchEnvironment({ id })
  useStore.getState().setConnection(connection)
  const list = await api().listEnvironments({})
  useStore.getState().setEnvironments(list.environments, list.activeId, list.warnings)
}

/** Downloads the remote environment profiles (no credentials: the export never holds secrets). */
export async function exportEnvironments(): Promise<void> {
  const { json } = await api().exportEnvironments({})
  downloadText('controldeck-environments.json', json)
}

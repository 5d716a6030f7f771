import { useStore } from '../store'
import { api } from './api'

/** Makes `id` the active environment and refreshes the store (title-bar switcher, palette). */
export async function switchEnvironmentTo(id: string): Promise<void> {
  const connection = await api().switchEnvironment({ id })
  useStore.getState().setConnection(connection)
  const list = await api().listEnvironments({})
  useStore.getState().setEnvironments(list.environments, list.activeId, list.warnings)
}

/** Saves a JSON text as a file through the browser's download (both transports serve the page). */
export function downloadJson(fileName: string, json: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Downloads the remote environment profiles (no credentials: the export never holds secrets). */
export async function exportEnvironments(): Promise<void> {
  const { json } = await api().exportEnvironments({})
  downloadJson('controldeck-environments.json', json)
}

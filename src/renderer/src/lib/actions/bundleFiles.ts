import type { IncidentBundle } from '../../../../shared/console/bundle/schema'
import {
  bundleTooLargeMessage,
  MAX_BUNDLE_BYTES,
  readIncidentBundleText
} from '../../../../shared/console/bundle/schema'
import type { PreparedBundle } from '../../../../shared/console/domains/bundles'
import { useStore } from '../../store'
import { api } from '../transport/api'

/** Whether this window runs in the desktop app (file dialogs in main) rather than a browser. */
export function hasFileDialogs(): boolean {
  return useStore.getState().appInfo?.transport === 'electron'
}

/** Offers a JSON `text` as a download named `fileName` (browser mode's "save"; both transports serve the page). */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * Saves a prepared bundle: through the desktop app's save dialog, or as a download. Resolves with
 * a sentence saying where it went, or null when the operator cancelled the dialog.
 */
export async function saveBundle(prepared: PreparedBundle): Promise<string | null> {
  if (hasFileDialogs()) {
    const { path } = await api().saveIncidentBundle({
      bundle: prepared.bundle,
      fileName: prepared.fileName
    })
    return path ? `Saved to ${path}.` : null
  }
  downloadText(prepared.fileName, JSON.stringify(prepared.bundle))
  return `Downloaded as ${prepared.fileName}.`
}

/**
 * Reads a bundle file the operator picked in a file input: size checked before the file is read,
 * depth before it is parsed, then the schema (the same checks main applies again on import).
 * @throws Error with a sentence when the file is not a readable bundle.
 */
export async function readBundleFile(file: File): Promise<IncidentBundle> {
  if (file.size > MAX_BUNDLE_BYTES) {
    throw new Error(bundleTooLargeMessage(file.name))
  }
  const read = readIncidentBundleText(await file.text())
  if (!read.ok) throw new Error(read.message)
  return read.bundle
}

/** Opens a bundle through the desktop app's open dialog (null when cancelled). */
export async function openBundleWithDialog(): Promise<IncidentBundle | null> {
  return (await api().openIncidentBundleFile({})).bundle
}

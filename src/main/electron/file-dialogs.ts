import { readFile, stat, writeFile } from 'node:fs/promises'
import { dialog, type BrowserWindow } from 'electron'
import type { FileDialogs } from '../services/context'
import { fail } from '../services/session/failures'

const JSON_FILTERS = [{ name: 'Incident bundle (JSON)', extensions: ['json'] }]

/**
 * The save and open dialogs the bundles methods use in the desktop app, attached to the main
 * window. The file is written and read here, in main: the renderer only ever sees the content.
 */
export function createFileDialogs(window: () => BrowserWindow | null): FileDialogs {
  return {
    async saveText(fileName, text) {
      const owner = window()
      const options = { defaultPath: fileName, filters: JSON_FILTERS }
      const chosen = owner
        ? await dialog.showSaveDialog(owner, options)
        : await dialog.showSaveDialog(options)
      if (chosen.canceled || !chosen.filePath) return null
      await writeFile(chosen.filePath, text, { mode: 0o600 })
      return chosen.filePath
    },
    async openText(maxBytes) {
      const owner = window()
      const options = { properties: ['openFile' as const], filters: JSON_FILTERS }
      const chosen = owner
        ? await dialog.showOpenDialog(owner, options)
        : await dialog.showOpenDialog(options)
      const path = chosen.canceled ? undefined : chosen.filePaths[0]
      if (!path) return null
      // Measured before it is read: a huge file is refused without loading it.
      if ((await stat(path)).size > maxBytes) {
        throw fail(
          'invalid_bundle',
          `This file is larger than an incident bundle may be (${maxBytes} bytes).`
        )
      }
      return readFile(path, 'utf8')
    }
  }
}

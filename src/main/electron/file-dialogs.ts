import { constants } from 'node:fs'
import { open, writeFile } from 'node:fs/promises'
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
      return readBounded(path, maxBytes)
    }
  }
}

/**
 * The text of the regular file at `path`, read no further than `maxBytes` + 1: a size measured
 * before reading is not a bound (procfs files report 0, a file may grow after `stat`).
 */
async function readBounded(path: string, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    fail(
      'invalid_bundle',
      `This file is larger than an incident bundle may be (${maxBytes} bytes).`
    )
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, forever.
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    const info = await file.stat()
    if (!info.isFile()) throw fail('invalid_bundle', 'This is not a file.')
    if (info.size > maxBytes) throw tooLarge()
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > maxBytes) throw tooLarge()
    return buffer.toString('utf8', 0, length)
  } finally {
    await file.close()
  }
}

// The desktop file dialogs under the Electron stand-in: real files in a temp folder.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeTempDir } from '../services/testing/temp-dir'
import { createFileDialogs } from './file-dialogs'
import { resetStandIn, standIn } from './testing/electron-stand-in'

vi.mock('electron', () => import('./testing/electron-stand-in'))

let temp: ReturnType<typeof makeTempDir>
beforeEach(() => {
  resetStandIn()
  temp = makeTempDir('cd-file-dialogs-')
})
afterEach(() => temp.remove())

describe('createFileDialogs().openText', () => {
  const dialogs = createFileDialogs(() => null)

  it('reads the chosen file, and null when the operator cancels', async () => {
    const file = path.join(temp.dir, 'bundle.json')
    writeFileSync(file, '{"a":1}')
    standIn().chooseInDialog(file)
    expect(await dialogs.openText(100)).toBe('{"a":1}')
    standIn().chooseInDialog(null)
    expect(await dialogs.openText(100)).toBeNull()
  })

  it('refuses a file larger than the limit', async () => {
    const file = path.join(temp.dir, 'big.json')
    writeFileSync(file, 'x'.repeat(101))
    standIn().chooseInDialog(file)
    await expect(dialogs.openText(100)).rejects.toMatchObject({ error: { code: 'invalid_bundle' } })
  })

  // A file whose size the file system does not know ahead (procfs, a device, a file that grows
  // after it was measured) is read no further than the limit.
  it.runIf(process.platform === 'linux')(
    'refuses a file that reports no size but holds more than the limit',
    async () => {
      standIn().chooseInDialog('/proc/self/status')
      await expect(dialogs.openText(100)).rejects.toMatchObject({
        error: { code: 'invalid_bundle' }
      })
    }
  )

  it('refuses what is not a regular file', async () => {
    standIn().chooseInDialog(temp.dir)
    await expect(dialogs.openText(1_000_000)).rejects.toMatchObject({
      error: { code: 'invalid_bundle' }
    })
  })

  it.runIf(process.platform !== 'win32')(
    'refuses a FIFO without waiting for a writer',
    async () => {
      const fifo = path.join(temp.dir, 'pipe.json')
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
      standIn().chooseInDialog(fifo)
      await expect(dialogs.openText(1_000_000)).rejects.toMatchObject({
        error: { code: 'invalid_bundle' }
      })
    }
  )
})

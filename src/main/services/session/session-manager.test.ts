import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ENVIRONMENTS_FILE } from '../environments/environment-store'
import { SessionManager } from './session-manager'

describe('SessionManager when the active environment cannot be saved', () => {
  let dataDir: string
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cd-switch-save-'))
  })
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('fails the switch but keeps the active environment usable', async () => {
    const manager = await SessionManager.create({
      dataDir,
      localEngine: null,
      live: false,
      credentials: { keychain: 'off' },
      connectWaitMs: 50
    })
    try {
      const other = await manager.environments.add({
        name: 'Other',
        baseUrl: 'http://127.0.0.1:9',
        authKind: 'none',
        color: 'blue',
        isProduction: false,
        readOnly: false
      })
      // Something in the way of the file (as good as a full disk or a read-only folder, even for root).
      await rm(join(dataDir, ENVIRONMENTS_FILE))
      await mkdir(join(dataDir, ENVIRONMENTS_FILE))
      await expect(manager.switchTo(other.id)).rejects.toThrow()
      // The previous session stays open and the saved choice matches it (it used to be closed,
      // leaving every later call with "SessionManager has no open session").
      expect(manager.activeNow().profile.id).toBe('local')
      expect(manager.environments.activeId).toBe('local')
      expect((await manager.active()).profile.id).toBe('local')
      expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
    } finally {
      await manager.dispose()
    }
  })
})

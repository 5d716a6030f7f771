import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ENVIRONMENTS_FILE } from '../environments/environment-store'
import { startBlackHole, type BlackHole } from '../testing/black-hole'
import { waitFor } from '../testing/wait'
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

describe('SessionManager and a backend that accepts connections but never answers', () => {
  let dataDir: string
  let hole: BlackHole
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cd-black-hole-'))
    hole = await startBlackHole()
  })
  afterEach(async () => {
    await hole.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  /** A manager whose requests give up only after minutes: only a close can end them in a test. */
  function open(connect?: boolean): Promise<SessionManager> {
    return SessionManager.create({
      dataDir,
      localEngine: null,
      live: true,
      credentials: { keychain: 'off' },
      http: { timeoutMs: 600_000, retries: 3 },
      connectWaitMs: 0,
      connect
    })
  }

  it('cancels the probe in flight when it closes (a switch or the app quitting)', async () => {
    const setup = await open()
    const hung = await setup.environments.add(hole.environment())
    await setup.switchTo(hung.id)
    await waitFor(() => hole.bytesReceived() > 0, 'the probe to reach the backend')
    await setup.dispose()
    await waitFor(() => hole.waitingRequests() === 0, 'the probe to be cancelled')
    expect(setup.environments.activeId).toBe(hung.id)

    // Opened without connecting (the CLI's settings commands): the backend is never asked.
    const asked = hole.bytesReceived()
    const settingsOnly = await open(false)
    expect(settingsOnly.connectionState()).toMatchObject({ environmentId: hung.id })
    await settingsOnly.switchTo('local')
    await settingsOnly.switchTo(hung.id)
    await settingsOnly.dispose()
    expect(hole.bytesReceived()).toBe(asked)
  })
})

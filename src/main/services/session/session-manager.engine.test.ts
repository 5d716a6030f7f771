import { existsSync } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../../shared/console/domains/environments'
import type { LiveEvent } from '../../../shared/console/domains/live'
import type { RunningEngine } from '../../../engine'
import { StaticTokenAuth } from '../client/auth'
import { BackendClient } from '../client/backend-client'
import { startFakeBrain, type FakeBrain } from '../client/testing/fake-brain'
import { startTempEngine, type TempEngine } from '../testing/temp-engine'
import { waitFor } from '../testing/wait'
import { SessionManager, type SessionManagerOptions } from './session-manager'

const until = (check: () => boolean, what: string): Promise<void> => waitFor(check, what, 8_000, 25)

/**
 * Runs `use` on a SessionManager of `dataDir` (no keychain, no local engine, no live stream unless
 * `options` say), then disposes of it whatever happened.
 */
async function withManager(
  dataDir: string,
  options: Partial<SessionManagerOptions>,
  use: (manager: SessionManager) => Promise<void>
): Promise<void> {
  const manager = await SessionManager.create({
    dataDir,
    localEngine: null,
    live: false,
    credentials: { keychain: 'off' },
    ...options
  })
  try {
    await use(manager)
  } finally {
    await manager.dispose()
  }
}

describe('SessionManager switching between the embedded engine and a BRAiN-like backend', () => {
  let temp: TempEngine
  let engine: RunningEngine
  let brain: FakeBrain
  let seed: BackendClient

  beforeAll(async () => {
    temp = await startTempEngine('cd-switch-', { rateLimit: false, heartbeatMs: 1_000 })
    engine = temp.engine
    brain = await startFakeBrain()
    seed = new BackendClient(engine.url, new StaticTokenAuth(engine.adminToken))
  })
  afterAll(async () => {
    await brain?.close()
    await temp?.close()
  })

  it('delivers live events of the active environment only, and nothing of the old one after a switch', async () => {
    const states: ConnectionState[] = []
    const received: Array<{ env: string; event: LiveEvent }> = []
    const options: Partial<SessionManagerOptions> = {
      localEngine: { url: engine.url, adminToken: engine.adminToken },
      live: true,
      onConnectionState: (state) => states.push(state)
    }
    await withManager(join(temp.dir, 'data'), options, async (manager) => {
      manager.onEvents((events, session) =>
        received.push(...events.map((event) => ({ env: session.profile.id, event })))
      )
      await until(() => manager.connectionState().status === 'live', 'local live')

      const first = await seed.createMission()
      await seed.transition('mission', first.mission_id, 'create')
      await until(
        () => received.some((r) => JSON.stringify(r.event.data).includes(first.mission_id)),
        'first mission event'
      )
      expect(received.every((r) => r.env === 'local')).toBe(true)
      // The stream's lifecycle events keep the cache's states current (for offline reads).
      await until(
        () => manager.activeNow().cache.getRecord(first.mission_id)?.state === 'pending',
        'cached state from the stream'
      )

      const remote = await manager.environments.add({
        name: 'Brain',
        baseUrl: brain.url,
        authKind: 'none',
        color: 'blue',
        isProduction: false,
        readOnly: false
      })
      const switched = await manager.switchTo(remote.id)
      expect(switched.environmentId).toBe(remote.id)
      await until(() => manager.connectionState().status === 'polling', 'brain polling')
      const mark = received.length

      // Activity on the engine after the switch must not reach the console any more.
      const second = await seed.createMission()
      await seed.transition('mission', second.mission_id, 'create')
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(
        received.slice(mark).some((r) => JSON.stringify(r.event.data).includes(second.mission_id))
      ).toBe(false)
      expect(manager.activeNow().cache.getRecord(first.mission_id)).toBeNull()

      // Back on local: the stream resumes from the cached Last-Event-ID and catches up.
      await manager.switchTo('local')
      await until(
        () =>
          received
            .slice(mark)
            .some((r) => JSON.stringify(r.event.data).includes(second.mission_id)),
        'catch-up after switching back'
      )
      expect(states.map((s) => s.environmentId)).toEqual(
        expect.arrayContaining(['local', remote.id])
      )
      expect(
        (await readdir(join(temp.dir, 'data', 'cache'))).filter((f) => f.endsWith('.db')).sort()
      ).toEqual(['brain.db', 'local.db'])
    })
  })

  it('keeps working without an offline cache when the cache file cannot be opened, and says so', async () => {
    const data = join(temp.dir, 'data-newer-cache')
    await mkdir(join(data, 'cache'), { recursive: true })
    const db = new Database(join(data, 'cache', 'local.db'))
    db.pragma('user_version = 999')
    db.close()
    const local = { url: engine.url, adminToken: engine.adminToken }
    await withManager(data, { localEngine: local }, async (manager) => {
      const state = manager.connectionState()
      expect(state.message).toMatch(
        /^The offline cache .*local\.db could not be opened \(cache file has schema version 999/
      )
      expect(state.capabilities.engine).toBe('controldeck')
      expect(manager.activeNow().cache.path).toBe(':memory:')
    })
  })

  it('shows the local engine offline with a sentence when this launch runs none', async () => {
    await withManager(join(temp.dir, 'data-none'), { live: true }, async (manager) => {
      const state = manager.connectionState()
      expect(state).toMatchObject({ environmentId: 'local', status: 'offline' })
      expect(state.message).toContain('The local engine is not running in this launch')
      expect(manager.views()[0]).toMatchObject({ id: 'local', baseUrl: '', hasCredential: false })
    })
  })

  it('runs an ad-hoc --url environment unsaved, with its own cache file per URL', async () => {
    const data = join(temp.dir, 'data-adhoc')
    const adHocEnvironment = { url: engine.url, token: engine.adminToken }
    await withManager(data, { adHocEnvironment }, async (manager) => {
      expect(manager.environments.activeId).toBe('adhoc')
      const state = manager.connectionState()
      expect(state.capabilities.engine).toBe('controldeck')
      expect(manager.views().find((v) => v.id === 'adhoc')).toMatchObject({
        hasCredential: true,
        credentialStorage: 'session'
      })
      expect((await readdir(join(data, 'cache')))[0]).toMatch(/^adhoc-[0-9a-f]{12}\.db$/)
      expect(existsSync(join(data, 'environments.json'))).toBe(false)
    })
  })

  it('says auth_failed with a sentence when the credential is refused', async () => {
    const adHocEnvironment = { url: engine.url, token: 'wrong-token' }
    await withManager(join(temp.dir, 'data-badtoken'), { adHocEnvironment }, async (manager) => {
      const state = manager.connectionState()
      expect(state.status).toBe('auth_failed')
      expect(state.message).toMatch(/^The backend needs a valid credential for this environment/)
    })
  })
})

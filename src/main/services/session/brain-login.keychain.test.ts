import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeBrain, type FakeBrain } from '../client/testing/fake-brain'
import { createTestConsole } from '../testing/test-console'
import { canonicalDataDir, keychainServiceFor } from '../credentials/binding'
import { loadKeychain } from '../credentials/keychain'

// Inside dbus-run-session with an unlocked gnome-keyring (scripts/keychain-session.mjs).
describe('BRAiN login credentials through ConsoleApi and the real keychain', () => {
  let dir: string
  let brain: FakeBrain
  let envId = ''
  /** The keychain entry of the profile: this data folder's service, the profile's credential id. */
  const entry = async () => {
    const saved = JSON.parse(await readFile(join(dir, 'environments.json'), 'utf8')) as {
      environments: Array<{ id: string; credentialId: string }>
    }
    const account = saved.environments.find((e) => e.id === envId)?.credentialId ?? ''
    const service = keychainServiceFor(canonicalDataDir(dir))
    const { keychain } = await loadKeychain({ service, timeoutMs: 3_000 })
    return { keychain, service, account }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cd-brain-login-'))
    brain = await startFakeBrain({ email: 'ops@example.com', password: 'correct horse' })
  })
  afterAll(async () => {
    if (envId) {
      const { keychain, service, account } = await entry()
      await keychain?.deletePassword(service, account)
    }
    await brain.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('stores the login in the keychain, never on disk or in a view, logs in, and keeps the rotated refresh token', async () => {
    const service = createTestConsole(dir)
    try {
      expect(await service.invoke('getKeychainStatus', {})).toEqual({
        available: true,
        reason: null,
        message: null
      })
      const view = (await service.invoke('addEnvironment', {
        name: `Brain ${Date.now()}`,
        baseUrl: brain.url,
        authKind: 'brain_login'
      })) as { id: string }
      envId = view.id
      expect(
        await service.invoke('setCredential', {
          environmentId: envId,
          credential: { kind: 'brain_login', email: 'ops@example.com', password: 'correct horse' }
        })
      ).toEqual({ hasCredential: true, storage: 'keychain' })
      await service.invoke('switchEnvironment', { id: envId })
      // Identity needs the JWT: a trace of an unknown id reaches the backend only when logged in.
      await expect(
        service.invoke('getTrace', { entityId: 'm_0123456789ab' })
      ).rejects.toMatchObject({ error: { code: 'not_found' } })
      expect(brain.authCalls.login).toBe(1)

      const { keychain, service: keychainService, account } = await entry()
      const stored = JSON.parse(
        (await keychain?.getPassword(keychainService, account)) ?? '{}'
      ) as { origin: string; secret: Record<string, unknown> }
      expect(stored.origin).toBe(new URL(brain.url).origin)
      expect(stored.secret).toMatchObject({
        kind: 'brain_login',
        email: 'ops@example.com',
        password: 'correct horse'
      })
      expect(String(stored.secret.refreshToken)).toMatch(/^ref_/)

      const onDisk = await readFile(join(dir, 'environments.json'), 'utf8')
      expect(onDisk).not.toContain('correct horse')
      expect(JSON.stringify(await service.invoke('listEnvironments', {}))).not.toContain(
        'correct horse'
      )
      expect(JSON.stringify(await service.invoke('exportEnvironments', {}))).not.toContain(
        'correct horse'
      )
    } finally {
      await service.dispose()
    }

    // Next launch: the refresh token is used instead of the password.
    const next = createTestConsole(dir)
    try {
      await expect(next.invoke('getTrace', { entityId: 'm_0123456789ab' })).rejects.toMatchObject({
        error: { code: 'not_found' }
      })
      expect(brain.authCalls).toEqual({ login: 1, refresh: 1 })
      expect(await next.invoke('clearCredential', { environmentId: envId })).toEqual({
        hasCredential: false,
        storage: 'none'
      })
    } finally {
      await next.dispose()
    }
  })
})

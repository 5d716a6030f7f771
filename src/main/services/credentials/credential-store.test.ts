import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir } from '../testing/temp-dir'
import { newCredentialId } from './binding'
import { CredentialStore } from './credential-store'
import { loadKeychain } from './keychain'

const require = createRequire(import.meta.url)
const temp = makeTempDir('cd-credentials-')
afterAll(() => temp.remove())

const dev = { credentialId: newCredentialId(), baseUrl: 'https://dev.example.com' }
const SESSION_ONLY =
  'Credentials are kept for this session only and must be entered again after a restart.'

describe('CredentialStore without a keychain', () => {
  it('with no D-Bus session (no DBUS_SESSION_BUS_ADDRESS), says no Secret Service answers, and keeps the secret for this session only', async () => {
    // No session bus at all: no address, no X11 to autolaunch one, no $XDG_RUNTIME_DIR/bus.
    delete process.env.DBUS_SESSION_BUS_ADDRESS
    delete process.env.DISPLAY
    process.env.XDG_RUNTIME_DIR = temp.dir
    const store = await CredentialStore.open(temp.dir, { probeTimeoutMs: 5_000 })
    const status = store.keychainStatus()
    expect(status).toMatchObject({ available: false, reason: 'no_service' })
    expect(status.message).toMatch(
      /^No OS keychain is available: no Secret Service answering \(.+; start gnome-keyring in a D-Bus session, e\.g\. apt-get install gnome-keyring/
    )
    expect(status.message).toContain(SESSION_ONLY)

    expect(store.status(dev)).toEqual({ hasCredential: false, storage: 'none' })
    expect(await store.set(dev, { kind: 'token', token: 'abc' })).toEqual({
      hasCredential: true,
      storage: 'session'
    })
    expect(await store.get(dev)).toEqual({ kind: 'token', token: 'abc' })
    expect(await store.clear(dev)).toEqual({ hasCredential: false, storage: 'none' })
    expect(await store.get(dev)).toBeNull()
  })

  it('with keytar not installed (npm skipped it), says the library is missing and what to install', async () => {
    const store = await CredentialStore.open(temp.dir, {
      loadKeytar: async () => require('keytar-is-not-installed-here')
    })
    expect(store.keychainStatus()).toEqual({
      available: false,
      reason: 'library_missing',
      message: `No OS keychain is available: keychain library not installed (keytar could not be built: install libsecret-1-dev, e.g. apt-get install libsecret-1-dev, then run npm install again). ${SESSION_ONLY}`
    })
    expect(await store.set(dev, { kind: 'token', token: 'abc' })).toEqual({
      hasCredential: true,
      storage: 'session'
    })
  })

  it('with keytar present but its native part not loading, says so with the loader error and npm rebuild keytar', async () => {
    const broken = join(temp.dir, 'keytar.node')
    writeFileSync(broken, 'not a shared object')
    const loaded = await loadKeychain({
      service: 'ControlDeck:test',
      timeoutMs: 1_000,
      load: async () => require(broken)
    })
    expect(loaded.keychain).toBeNull()
    expect(loaded.problem?.reason).toBe('library_missing')
    expect(loaded.problem?.detail).toMatch(
      /^keychain library could not be loaded \(keytar: .*keytar\.node.*; install libsecret-1-dev, e\.g\. apt-get install libsecret-1-dev, then run npm rebuild keytar\)$/
    )

    // A module that loads but is not keytar is no keychain either.
    const notKeytar = await loadKeychain({
      service: 'ControlDeck:test',
      timeoutMs: 1_000,
      load: async () => ({ default: {} })
    })
    expect(notKeytar.problem?.detail).toContain('the module loaded is not keytar')
  })

  it('names the platform: no libsecret advice where there is no libsecret', async () => {
    const missing = await loadKeychain({
      service: 'x',
      timeoutMs: 1_000,
      platform: 'darwin',
      load: async () => require('keytar-is-not-installed-here')
    })
    expect(missing.problem?.detail).toBe(
      'keychain library not installed (keytar could not be built: run npm install again with the build tools of this platform)'
    )
  })

  it('with the keychain turned off, rotates a BRAiN login refresh token in memory and refuses it for another origin', async () => {
    const store = await CredentialStore.open(temp.dir, { keychain: 'off' })
    const brain = { credentialId: newCredentialId(), baseUrl: 'https://brain.example.com/api' }
    await store.set(brain, { kind: 'brain_login', email: 'a@b.c', password: 'pw' })
    await store.updateRefreshToken(brain, 'r1')
    expect(await store.get(brain)).toEqual({
      kind: 'brain_login',
      email: 'a@b.c',
      password: 'pw',
      refreshToken: 'r1'
    })
    expect(store.keychainStatus()).toMatchObject({
      reason: 'turned_off',
      message: expect.stringContaining('turned off')
    })

    // Same profile, same origin, another path: still its secret. Another origin: refused.
    expect(
      store.status({ ...brain, baseUrl: 'https://brain.example.com/other' }).hasCredential
    ).toBe(true)
    const moved = { ...brain, baseUrl: 'https://evil.example.com' }
    expect(store.status(moved)).toEqual({ hasCredential: false, storage: 'none' })
    expect(await store.read(moved)).toEqual({ secret: null, savedFor: 'https://brain.example.com' })
    // A profile without a credential id (built-in, or not yet migrated) has none and cannot get one.
    expect(await store.read({ credentialId: '', baseUrl: brain.baseUrl })).toEqual({
      secret: null,
      savedFor: null
    })
    await expect(
      store.set({ credentialId: 'prod', baseUrl: brain.baseUrl }, { kind: 'token', token: 't' })
    ).rejects.toThrow('credential id')
  })
})

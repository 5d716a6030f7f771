import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialStore, KEYCHAIN_SERVICE } from './credential-store'
import { loadKeychain } from './keychain'

// Runs inside dbus-run-session with an unlocked gnome-keyring (scripts/keychain-session.mjs).
describe('CredentialStore against a real Secret Service', () => {
  const account = `test-${randomBytes(4).toString('hex')}`

  afterAll(async () => {
    const { keychain } = await loadKeychain(3_000, KEYCHAIN_SERVICE)
    await keychain?.deletePassword(KEYCHAIN_SERVICE, account)
  })

  it('stores under service ControlDeck, account = environment id, and reads it back in a new store', async () => {
    const store = await CredentialStore.open()
    expect(store.keychainStatus()).toEqual({ available: true, message: null })
    expect(await store.set(account, { kind: 'brain_login', email: 'ops@example.com', password: 's3cret' })).toEqual({
      hasCredential: true,
      storage: 'keychain'
    })

    // What the keychain itself holds: JSON under (ControlDeck, <env id>).
    const { keychain } = await loadKeychain(3_000, KEYCHAIN_SERVICE)
    const raw = await keychain?.getPassword(KEYCHAIN_SERVICE, account)
    expect(JSON.parse(raw ?? 'null')).toEqual({ kind: 'brain_login', email: 'ops@example.com', password: 's3cret' })

    // A fresh store (next launch) knows the account without reading the secret.
    const next = await CredentialStore.open()
    expect(next.status(account)).toEqual({ hasCredential: true, storage: 'keychain' })
    await next.updateRefreshToken(account, 'refresh-1')
    expect(await next.get(account)).toMatchObject({ kind: 'brain_login', refreshToken: 'refresh-1' })

    expect(await next.clear(account)).toEqual({ hasCredential: false, storage: 'none' })
    expect(await keychain?.getPassword(KEYCHAIN_SERVICE, account)).toBeNull()
    expect((await CredentialStore.open()).status(account).hasCredential).toBe(false)
  })

  it('treats an entry it cannot parse as no credential', async () => {
    const { keychain } = await loadKeychain(3_000, KEYCHAIN_SERVICE)
    await keychain?.setPassword(KEYCHAIN_SERVICE, account, 'not json')
    const store = await CredentialStore.open()
    expect(await store.get(account)).toBeNull()
  })
})

import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir } from '../testing/temp-dir'
import {
  LEGACY_KEYCHAIN_SERVICE,
  canonicalDataDir,
  keychainServiceFor,
  newCredentialId
} from './binding'
import { CredentialStore } from './credential-store'
import { loadKeychain, type Keychain } from './keychain'

/** keytar itself, to see and plant what the keychain holds. */
async function rawKeychain(): Promise<Keychain> {
  const { keychain, problem } = await loadKeychain({
    service: LEGACY_KEYCHAIN_SERVICE,
    timeoutMs: 3_000
  })
  if (!keychain) throw new Error(`no keychain in this test session: ${problem?.detail}`)
  return keychain
}

// Runs inside dbus-run-session with an unlocked gnome-keyring (scripts/keychain-session.mjs).
describe('CredentialStore against a real Secret Service', () => {
  const temp = makeTempDir('cd-keychain-')
  const dataDir = `${temp.dir}/data`
  const service = keychainServiceFor(canonicalDataDir(dataDir))
  const owner = { credentialId: newCredentialId(), baseUrl: 'https://brain.example.com/api' }
  const legacyId = `legacy-${newCredentialId().slice(0, 8)}`

  afterAll(async () => {
    const keychain = await rawKeychain()
    for (const entry of await keychain.findCredentials(service))
      await keychain.deletePassword(service, entry.account)
    await keychain.deletePassword(LEGACY_KEYCHAIN_SERVICE, legacyId)
    temp.remove()
  })

  it("stores under the data folder's service and the profile's credential id, bound to the origin, and reads it back in a new store", async () => {
    const store = await CredentialStore.open(dataDir)
    expect(store.keychainStatus()).toEqual({ available: true, reason: null, message: null })
    expect(store.service).toMatch(/^ControlDeck:[0-9a-f]{16}$/)
    expect(
      await store.set(owner, { kind: 'brain_login', email: 'ops@example.com', password: 's3cret' })
    ).toEqual({
      hasCredential: true,
      storage: 'keychain'
    })

    // What the keychain itself holds: the secret with its origin and data folder.
    const keychain = await rawKeychain()
    expect(JSON.parse((await keychain.getPassword(service, owner.credentialId)) ?? 'null')).toEqual(
      {
        v: 2,
        origin: 'https://brain.example.com',
        dataDir: canonicalDataDir(dataDir),
        secret: { kind: 'brain_login', email: 'ops@example.com', password: 's3cret' }
      }
    )
    // Nothing under the old, shared service.
    expect(await keychain.getPassword(LEGACY_KEYCHAIN_SERVICE, owner.credentialId)).toBeNull()

    // A fresh store (next launch) knows the entry and its origin without reading the secret.
    const next = await CredentialStore.open(dataDir)
    expect(next.status(owner)).toEqual({ hasCredential: true, storage: 'keychain' })
    expect(next.status({ ...owner, baseUrl: 'https://other.example.com' })).toEqual({
      hasCredential: false,
      storage: 'none'
    })
    await next.updateRefreshToken(owner, 'refresh-1')
    expect(await next.get(owner)).toMatchObject({ kind: 'brain_login', refreshToken: 'refresh-1' })
    expect(await next.read({ ...owner, baseUrl: 'http://brain.example.com' })).toEqual({
      secret: null,
      savedFor: 'https://brain.example.com'
    })

    expect(await next.clear(owner)).toEqual({ hasCredential: false, storage: 'none' })
    expect(await keychain.getPassword(service, owner.credentialId)).toBeNull()
    expect((await CredentialStore.open(dataDir)).status(owner).hasCredential).toBe(false)
  })

  it('finds nothing of another data folder, even under the same credential id (a copied environments.json)', async () => {
    const store = await CredentialStore.open(dataDir)
    await store.set(owner, { kind: 'token', token: 'folder-one' })
    const other = await CredentialStore.open(`${temp.dir}/other-data`)
    expect(other.service).not.toBe(store.service)
    expect(other.status(owner)).toEqual({ hasCredential: false, storage: 'none' })
    expect(await other.read(owner)).toEqual({ secret: null, savedFor: null })

    // Even an entry planted under this folder's service is refused when it names another folder.
    const keychain = await rawKeychain()
    const planted = newCredentialId()
    await keychain.setPassword(
      other.service,
      planted,
      JSON.stringify({
        v: 2,
        origin: 'https://brain.example.com',
        dataDir: '/elsewhere',
        secret: { kind: 'token', token: 'x' }
      })
    )
    const reopened = await CredentialStore.open(`${temp.dir}/other-data`)
    expect(reopened.status({ credentialId: planted, baseUrl: owner.baseUrl }).hasCredential).toBe(
      false
    )
    expect(await reopened.get({ credentialId: planted, baseUrl: owner.baseUrl })).toBeNull()
    await keychain.deletePassword(other.service, planted)
  })

  it('treats an entry it cannot parse, or one in the old unbound format, as no credential', async () => {
    const keychain = await rawKeychain()
    await keychain.setPassword(service, owner.credentialId, 'not json')
    expect(await (await CredentialStore.open(dataDir)).get(owner)).toBeNull()
    await keychain.setPassword(
      service,
      owner.credentialId,
      JSON.stringify({ kind: 'token', token: 'unbound' })
    )
    const store = await CredentialStore.open(dataDir)
    expect(store.status(owner).hasCredential).toBe(false)
    expect(await store.get(owner)).toBeNull()
  })

  it('moves an old entry (service ControlDeck, account = environment id) once, bound to the origin, and deletes it', async () => {
    const keychain = await rawKeychain()
    await keychain.setPassword(
      LEGACY_KEYCHAIN_SERVICE,
      legacyId,
      JSON.stringify({ kind: 'token', token: 'from-before' })
    )
    const store = await CredentialStore.open(dataDir)
    const profile = { credentialId: newCredentialId(), baseUrl: 'https://prod.example.com' }
    expect(await store.adoptLegacy(profile, legacyId)).toBe(true)
    expect(await store.get(profile)).toEqual({ kind: 'token', token: 'from-before' })
    expect(await keychain.getPassword(LEGACY_KEYCHAIN_SERVICE, legacyId)).toBeNull()
    // Moved, so nobody else (another folder, another profile) can take it.
    expect(
      await store.adoptLegacy(
        { credentialId: newCredentialId(), baseUrl: 'https://evil.example.com' },
        legacyId
      )
    ).toBe(false)
  })
})

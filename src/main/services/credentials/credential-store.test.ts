import { describe, expect, it } from 'vitest'
import { withoutKeychain } from '../testing/no-keychain'
import { CredentialStore } from './credential-store'

describe('CredentialStore without a keychain service', () => {
  it('says so and keeps the secret for this session only', async () => {
    // No Secret Service can answer here.
    withoutKeychain()
    const store = await CredentialStore.open({ probeTimeoutMs: 5_000 })
    const status = store.keychainStatus()
    expect(status.available).toBe(false)
    expect(status.message).toMatch(/^No OS keychain is available \(.+\)\. Credentials are kept for this session only/)

    expect(store.status('dev')).toEqual({ hasCredential: false, storage: 'none' })
    expect(await store.set('dev', { kind: 'token', token: 'abc' })).toEqual({ hasCredential: true, storage: 'session' })
    expect(await store.get('dev')).toEqual({ kind: 'token', token: 'abc' })
    expect(await store.clear('dev')).toEqual({ hasCredential: false, storage: 'none' })
    expect(await store.get('dev')).toBeNull()
  })

  it("with the keychain turned off, rotates a BRAiN login's refresh token in memory", async () => {
    const store = await CredentialStore.open({ keychain: 'off' })
    await store.set('brain', { kind: 'brain_login', email: 'a@b.c', password: 'pw' })
    await store.updateRefreshToken('brain', 'r1')
    expect(await store.get('brain')).toEqual({ kind: 'brain_login', email: 'a@b.c', password: 'pw', refreshToken: 'r1' })
    expect(store.keychainStatus().message).toContain('turned off')
  })
})

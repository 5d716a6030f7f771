import { z } from 'zod'
import type { CredentialStatus, KeychainStatus } from '../../../shared/console/domains/environments'
import { loadKeychain, type Keychain } from './keychain'

/** Keychain service name; the account is the environment id. */
export const KEYCHAIN_SERVICE = 'ControlDeck'

/**
 * What is kept per environment. For BRAiN login the refresh token is kept too, so a restart does
 * not need the password; the access token is never stored anywhere (memory only).
 */
export const StoredSecretSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('token'), token: z.string().min(1) }),
  z.object({
    kind: z.literal('brain_login'),
    email: z.string().min(1),
    password: z.string().min(1),
    refreshToken: z.string().min(1).nullish()
  })
])
export type StoredSecret = z.infer<typeof StoredSecretSchema>

export interface CredentialStoreOptions {
  service?: string
  /** 'off' keeps every secret in memory (e.g. a headless host that should never touch a keychain). */
  keychain?: 'auto' | 'off'
  /** How long to wait for a Secret Service to answer before treating it as absent. */
  probeTimeoutMs?: number
}

/**
 * Credentials of environments in the OS keychain (keytar: Secret Service, macOS Keychain, Windows
 * Credential Vault). Where no keychain answers, secrets are kept for this session only — never
 * written to disk — and `keychainStatus()` says so. Nothing here ever hands a secret to the renderer:
 * callers outside the main side only see `status()`.
 */
export class CredentialStore {
  /** Accounts known to hold a keychain entry (so that status() needs no keychain round trip). */
  private readonly inKeychain = new Set<string>()
  private readonly session = new Map<string, StoredSecret>()

  private constructor(
    private readonly service: string,
    private keychain: Keychain | null,
    private unavailableReason: string | null
  ) {}

  /** Loads keytar and probes the keychain once. Never throws: an absent keychain means session-only. */
  static async open(options: CredentialStoreOptions = {}): Promise<CredentialStore> {
    const service = options.service ?? KEYCHAIN_SERVICE
    if (options.keychain === 'off') return new CredentialStore(service, null, 'the keychain is turned off for this run')
    const loaded = await loadKeychain(options.probeTimeoutMs ?? 3_000, service)
    const store = new CredentialStore(service, loaded.keychain, loaded.reason)
    for (const account of loaded.accounts) store.inKeychain.add(account)
    return store
  }

  keychainStatus(): KeychainStatus {
    if (this.keychain) return { available: true, message: null }
    return {
      available: false,
      message: `No OS keychain is available (${this.unavailableReason ?? 'unknown reason'}). Credentials are kept for this session only and must be entered again after a restart.`
    }
  }

  /** Whether an environment has a secret, and where. */
  status(environmentId: string): CredentialStatus {
    if (this.session.has(environmentId)) return { hasCredential: true, storage: 'session' }
    if (this.inKeychain.has(environmentId)) return { hasCredential: true, storage: 'keychain' }
    return { hasCredential: false, storage: 'none' }
  }

  /** Stores a secret in the keychain, or for this session when the keychain is absent or fails. */
  async set(environmentId: string, secret: StoredSecret): Promise<CredentialStatus> {
    const value = StoredSecretSchema.parse(secret)
    if (this.keychain) {
      try {
        await this.keychain.setPassword(this.service, environmentId, JSON.stringify(value))
        this.session.delete(environmentId)
        this.inKeychain.add(environmentId)
        return this.status(environmentId)
      } catch (error) {
        this.markUnavailable(error)
      }
    }
    this.session.set(environmentId, value)
    return this.status(environmentId)
  }

  /** Keeps a secret in memory only, whatever the keychain (per-launch tokens, `--token`). */
  setSessionOnly(environmentId: string, secret: StoredSecret): void {
    this.session.set(environmentId, StoredSecretSchema.parse(secret))
  }

  /**
   * The secret of an environment (main side only). A keychain entry that does not parse (written by
   * something else, or corrupted) counts as none rather than crashing a connection.
   */
  async get(environmentId: string): Promise<StoredSecret | null> {
    const inMemory = this.session.get(environmentId)
    if (inMemory) return inMemory
    if (!this.keychain) return null
    let raw: string | null
    try {
      raw = await this.keychain.getPassword(this.service, environmentId)
    } catch (error) {
      this.markUnavailable(error)
      return null
    }
    if (raw === null) {
      this.inKeychain.delete(environmentId)
      return null
    }
    this.inKeychain.add(environmentId)
    try {
      const parsed = StoredSecretSchema.safeParse(JSON.parse(raw))
      return parsed.success ? parsed.data : null
    } catch {
      return null
    }
  }

  /** Replaces the refresh token of a BRAiN login (BRAiN rotates it on every refresh). */
  async updateRefreshToken(environmentId: string, refreshToken: string): Promise<void> {
    const current = await this.get(environmentId)
    if (current?.kind !== 'brain_login') return
    const next = { ...current, refreshToken }
    if (this.session.has(environmentId)) this.session.set(environmentId, next)
    else await this.set(environmentId, next)
  }

  /** Forgets an environment's secret in the keychain and in memory. */
  async clear(environmentId: string): Promise<CredentialStatus> {
    this.session.delete(environmentId)
    if (this.keychain) {
      try {
        await this.keychain.deletePassword(this.service, environmentId)
      } catch (error) {
        this.markUnavailable(error)
      }
    }
    this.inKeychain.delete(environmentId)
    return this.status(environmentId)
  }

  private markUnavailable(error: unknown): void {
    // A keychain that stops answering (locked, daemon gone) is treated as absent from now on.
    this.keychain = null
    this.unavailableReason = error instanceof Error ? error.message : String(error)
  }
}

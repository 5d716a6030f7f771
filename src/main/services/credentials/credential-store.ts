import { z } from 'zod'
import type { CredentialStatus, KeychainStatus } from '../../../shared/console/domains/environments'
import {
  CredentialIdSchema,
  LEGACY_KEYCHAIN_SERVICE,
  canonicalDataDir,
  keychainServiceFor,
  originOf
} from './binding'
import {
  errorText,
  loadKeychain,
  type Keychain,
  type KeychainProblem,
  type KeytarLoader
} from './keychain'

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

/** A keychain entry's value: the secret with the origin and data folder it was entered for. */
export const BoundSecretSchema = z.object({
  v: z.literal(2),
  origin: z.string().min(1),
  dataDir: z.string().min(1),
  secret: StoredSecretSchema
})
export type BoundSecret = z.infer<typeof BoundSecretSchema>

/** Whose secret: a saved profile's credential id (the keychain account) and its current server. */
export interface CredentialOwner {
  readonly credentialId: string
  /** Only its origin counts: a secret entered for one origin is never sent to another. */
  readonly baseUrl: string
}

/**
 * A read secret, or why there is none. `savedFor` is the origin a secret was entered for when it
 * is refused because the profile now points elsewhere (the operator must enter it again).
 */
export type CredentialRead =
  { secret: StoredSecret; savedFor: null } | { secret: null; savedFor: string | null }

export interface CredentialStoreOptions {
  /** 'off' keeps every secret in memory (e.g. a headless host that should never touch a keychain). */
  keychain?: 'auto' | 'off'
  /** How long to wait for a keychain service to answer before treating it as absent. */
  probeTimeoutMs?: number
  /** Loads keytar (tests: a module that fails to load). */
  loadKeytar?: KeytarLoader
}

/**
 * Credentials of environments in the OS keychain (keytar: Secret Service, macOS Keychain, Windows
 * Credential Vault), bound to the data folder, the profile and the origin (see ./binding). Where no
 * keychain answers, secrets are kept for this session only — never written to disk — and
 * `keychainStatus()` says precisely why. Nothing here ever hands a secret to the renderer: callers
 * outside the main side only see `status()`.
 */
export class CredentialStore {
  /** Accounts holding an entry of this data folder, with the origin it is bound to (null: unusable). */
  private readonly inKeychain = new Map<string, string | null>()
  private readonly session = new Map<string, { origin: string; secret: StoredSecret }>()

  private constructor(
    /** The data folder's real path, recorded in every entry. */
    readonly dataDir: string,
    /** This data folder's keychain service. */
    readonly service: string,
    private keychain: Keychain | null,
    private problem: KeychainProblem | null
  ) {}

  /** Loads keytar and probes the keychain once. Never throws: an absent keychain means session-only. */
  static async open(
    dataDir: string,
    options: CredentialStoreOptions = {}
  ): Promise<CredentialStore> {
    const dir = canonicalDataDir(dataDir)
    const service = keychainServiceFor(dir)
    if (options.keychain === 'off') {
      return new CredentialStore(dir, service, null, {
        reason: 'turned_off',
        detail: 'the keychain is turned off for this run'
      })
    }
    const loaded = await loadKeychain({
      service,
      timeoutMs: options.probeTimeoutMs ?? 3_000,
      load: options.loadKeytar
    })
    const store = new CredentialStore(dir, service, loaded.keychain, loaded.problem)
    for (const entry of loaded.entries)
      store.inKeychain.set(entry.account, store.boundOrigin(entry.password))
    return store
  }

  keychainStatus(): KeychainStatus {
    if (this.keychain) return { available: true, reason: null, message: null }
    const problem = this.problem ?? { reason: 'failed', detail: 'unknown reason' }
    return {
      available: false,
      reason: problem.reason,
      message: `No OS keychain is available: ${problem.detail}. Credentials are kept for this session only and must be entered again after a restart.`
    }
  }

  /** Whether a profile has a usable secret, and where. A secret bound to another origin is none. */
  status(owner: CredentialOwner): CredentialStatus {
    const origin = originOf(owner.baseUrl)
    const inMemory = this.session.get(owner.credentialId)
    if (inMemory)
      return inMemory.origin === origin
        ? { hasCredential: true, storage: 'session' }
        : { hasCredential: false, storage: 'none' }
    if (origin !== '' && this.inKeychain.get(owner.credentialId) === origin)
      return { hasCredential: true, storage: 'keychain' }
    return { hasCredential: false, storage: 'none' }
  }

  /** Stores a secret bound to the owner's origin: in the keychain, or for this session when none works. */
  async set(owner: CredentialOwner, secret: StoredSecret): Promise<CredentialStatus> {
    const account = accountOf(owner)
    const origin = originOf(owner.baseUrl)
    // Callers give saved profiles only (EnvironmentStore.withCredentialId): a bug otherwise.
    if (account === null) throw new Error('a credential needs a profile with a credential id')
    if (origin === '') throw new Error('a credential needs an http(s) base URL to be bound to')
    const value = StoredSecretSchema.parse(secret)
    if (this.keychain) {
      const bound: BoundSecret = { v: 2, origin, dataDir: this.dataDir, secret: value }
      try {
        await this.keychain.setPassword(this.service, account, JSON.stringify(bound))
        this.session.delete(account)
        this.inKeychain.set(account, origin)
        return this.status(owner)
      } catch (error) {
        this.markFailed(error)
      }
    }
    this.session.set(account, { origin, secret: value })
    return this.status(owner)
  }

  /**
   * The owner's secret (main side only), or why there is none. An entry that does not parse, was
   * written for another data folder, or is bound to another origin is never returned.
   */
  async read(owner: CredentialOwner): Promise<CredentialRead> {
    const account = accountOf(owner)
    const origin = originOf(owner.baseUrl)
    if (account === null) return { secret: null, savedFor: null }
    const inMemory = this.session.get(account)
    if (inMemory)
      return inMemory.origin === origin
        ? { secret: inMemory.secret, savedFor: null }
        : { secret: null, savedFor: inMemory.origin }
    if (!this.keychain) return { secret: null, savedFor: null }
    let raw: string | null
    try {
      raw = await this.keychain.getPassword(this.service, account)
    } catch (error) {
      this.markFailed(error)
      return { secret: null, savedFor: null }
    }
    if (raw === null) {
      this.inKeychain.delete(account)
      return { secret: null, savedFor: null }
    }
    const bound = this.parseBound(raw)
    this.inKeychain.set(account, bound?.origin ?? null)
    if (!bound) return { secret: null, savedFor: null }
    if (bound.origin !== origin) return { secret: null, savedFor: bound.origin }
    return { secret: bound.secret, savedFor: null }
  }

  /** The owner's usable secret, or null. */
  async get(owner: CredentialOwner): Promise<StoredSecret | null> {
    return (await this.read(owner)).secret
  }

  /** Replaces the refresh token of a BRAiN login (BRAiN rotates it on every refresh). */
  async updateRefreshToken(owner: CredentialOwner, refreshToken: string): Promise<void> {
    const current = await this.get(owner)
    if (current?.kind !== 'brain_login') return
    const next = { ...current, refreshToken }
    const inMemory = this.session.get(owner.credentialId)
    if (inMemory) this.session.set(owner.credentialId, { ...inMemory, secret: next })
    else await this.set(owner, next)
  }

  /** Forgets a profile's secret in the keychain and in memory. */
  async clear(owner: CredentialOwner): Promise<CredentialStatus> {
    const account = accountOf(owner)
    if (account === null) return this.status(owner)
    this.session.delete(account)
    if (this.keychain) {
      try {
        await this.keychain.deletePassword(this.service, account)
      } catch (error) {
        this.markFailed(error)
      }
    }
    this.inKeychain.delete(account)
    return this.status(owner)
  }

  /**
   * Moves an entry written before secrets were bound (service `ControlDeck`, account = environment
   * id) to `owner`, bound to its current origin, and deletes the old entry so that no other data
   * folder or profile can take it after this one. Callers pass only profiles that an earlier
   * version saved in this folder's environments.json, never imported or new ones. Returns whether
   * an entry moved.
   */
  async adoptLegacy(owner: CredentialOwner, environmentId: string): Promise<boolean> {
    if (!this.keychain) return false
    let raw: string | null
    try {
      raw = await this.keychain.getPassword(LEGACY_KEYCHAIN_SERVICE, environmentId)
    } catch {
      return false
    }
    if (raw === null) return false
    const secret = parseJson(raw, StoredSecretSchema)
    if (!secret) return false
    if ((await this.set(owner, secret)).storage !== 'keychain') {
      // Written nowhere lasting: keep the old entry for the next launch, use nothing from it now.
      this.session.delete(owner.credentialId)
      return false
    }
    try {
      await this.keychain?.deletePassword(LEGACY_KEYCHAIN_SERVICE, environmentId)
    } catch {
      // Moved; the old copy is left behind and will be moved by nobody (its profile now has an id).
    }
    return true
  }

  private parseBound(raw: string): BoundSecret | null {
    const bound = parseJson(raw, BoundSecretSchema)
    return bound && bound.dataDir === this.dataDir ? bound : null
  }

  private boundOrigin(raw: string): string | null {
    return this.parseBound(raw)?.origin ?? null
  }

  private markFailed(error: unknown): void {
    // A keychain that stops answering (locked, daemon gone) is treated as absent from now on.
    this.keychain = null
    this.problem = {
      reason: 'failed',
      detail: `the keychain stopped answering (${errorText(error)})`
    }
  }
}

/** The keychain account of a profile, or null for one without a credential id (it has no secret). */
function accountOf(owner: CredentialOwner): string | null {
  return CredentialIdSchema.safeParse(owner.credentialId).success ? owner.credentialId : null
}

function parseJson<T>(raw: string, schema: z.ZodType<T>): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

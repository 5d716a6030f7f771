import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  LOCAL_ENVIRONMENT_ID,
  type ConnectionState,
  type EnvironmentView
} from '../../../shared/console/domains/environments'
import type { LiveEvent } from '../../../shared/console/domains/live'
import type { HttpOptions } from '../client/http'
import type { CredentialStore, CredentialStoreOptions } from '../credentials/credential-store'
import type { EnvironmentStore } from '../environments/environment-store'
import { openEnvironments } from '../environments/open-environments'
import {
  AD_HOC_ENVIRONMENT_ID,
  effectiveColor,
  type EnvironmentProfile
} from '../environments/profile'
import { withTimeLimit } from '../time-limit'
import { authFor } from './auth-for'
import { EnvironmentSession } from './environment-session'

export interface SessionManagerOptions {
  dataDir: string
  localEngine: { url: string; adminToken: string } | null
  adHocEnvironment?: { url: string; token?: string }
  /** Open live streams and keep re-probing (the app, serve); false for one-shot CLI commands. */
  live: boolean
  /**
   * False never asks the backend: sessions open (profile, credential, cache) without the
   * capabilities probe, for CLI commands that read only settings (`envs`, `use`). True unless said.
   */
  connect?: boolean
  credentials?: CredentialStoreOptions
  http?: HttpOptions
  /** How long switchTo waits for the first probe (default 2 s); the CLI waits longer. */
  connectWaitMs?: number
  onConnectionState?(state: ConnectionState): void
  onEnvironmentsChanged?(payload: { environments: EnvironmentView[]; activeId: string }): void
}

/** How long a switch waits for the capabilities probe before answering with `connecting`. */
const CONNECT_WAIT_MS = 2_000

type SwitchListener = (session: EnvironmentSession) => void
type EventsListener = (events: LiveEvent[], session: EnvironmentSession) => void

/**
 * Owns the environment profiles, the credentials and the one open EnvironmentSession. Switching
 * is serialized: the old session is fully closed (stream, timers, cache file) before the new one
 * opens, so nothing of one environment leaks into the next.
 */
export class SessionManager {
  private session: EnvironmentSession | null = null
  private chain: Promise<unknown> = Promise.resolve()
  private readonly switchListeners = new Set<SwitchListener>()
  private readonly eventListeners = new Set<EventsListener>()
  private disposed = false

  private constructor(
    private readonly options: SessionManagerOptions,
    readonly environments: EnvironmentStore,
    readonly credentials: CredentialStore
  ) {}

  /** Loads profiles and credentials and opens the active environment's session. */
  static async create(options: SessionManagerOptions): Promise<SessionManager> {
    const adHoc = options.adHocEnvironment
    const { environments, credentials } = await openEnvironments({
      dataDir: options.dataDir,
      localUrl: options.localEngine?.url ?? null,
      adHoc: adHoc ? { url: adHoc.url.replace(/\/+$/, ''), hasToken: Boolean(adHoc.token) } : null,
      credentials: options.credentials
    })
    const manager = new SessionManager(options, environments, credentials)
    await manager.switchTo(environments.activeId, { persist: false })
    return manager
  }

  /**
   * The active environment's session now, even mid-switch (there always is one after create);
   * `active()` waits for a switch in progress to finish.
   */
  activeNow(): EnvironmentSession {
    if (!this.session) throw new Error('SessionManager has no open session')
    return this.session
  }

  /** The open session once any switch in progress has finished. */
  async active(): Promise<EnvironmentSession> {
    await this.chain.catch(() => undefined)
    return this.activeNow()
  }

  connectionState(): ConnectionState {
    return this.activeNow().state
  }

  /** Profile views for the renderer: credential presence only, never a secret. */
  views(): EnvironmentView[] {
    return this.environments.list().map((p) => this.view(p))
  }

  view(profile: EnvironmentProfile): EnvironmentView {
    const credential =
      profile.kind === 'bundle'
        ? ({ hasCredential: false, storage: 'none' } as const)
        : profile.kind === 'embedded'
          ? ({
              hasCredential: this.options.localEngine !== null,
              storage: this.options.localEngine ? 'session' : 'none'
            } as const)
          : profile.id === AD_HOC_ENVIRONMENT_ID
            ? ({
                hasCredential: Boolean(this.options.adHocEnvironment?.token),
                storage: this.options.adHocEnvironment?.token ? 'session' : 'none'
              } as const)
            : this.credentials.status(profile)
    return {
      id: profile.id,
      name: profile.name,
      baseUrl: profile.baseUrl,
      kind: profile.kind,
      authKind: profile.authKind,
      color: effectiveColor(profile),
      isProduction: profile.isProduction,
      readOnly: profile.readOnly,
      hasCredential: credential.hasCredential,
      credentialStorage: credential.storage,
      builtIn: profile.builtIn
    }
  }

  /** Called with the new session after every switch (live subscriptions re-attach here). */
  onSwitch(listener: SwitchListener): () => void {
    this.switchListeners.add(listener)
    return () => this.switchListeners.delete(listener)
  }

  /** Live events of whichever session is open (each batch tagged with its session). */
  onEvents(listener: EventsListener): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  /**
   * Makes `id` active: closes the old session, opens the new one, starts connecting. Resolves with
   * the connection state once the capabilities probe has answered (or failed).
   */
  async switchTo(id: string, options: { persist?: boolean } = {}): Promise<ConnectionState> {
    const run = async (): Promise<EnvironmentSession> => {
      if (this.disposed) throw new Error('SessionManager is disposed')
      const profile = this.environments.get(id)
      // Saved before the old session closes: a choice that cannot be written (full disk, read-only
      // folder) fails the switch with the old environment still open, instead of leaving none.
      if (options.persist !== false && id !== AD_HOC_ENVIRONMENT_ID)
        await this.environments.setActive(id)
      const old = this.session
      this.session = null
      await old?.close()
      const session = await this.open(profile)
      this.session = session
      this.emitState(session.state)
      for (const listener of this.switchListeners) listener(session)
      this.emitEnvironments()
      return session
    }
    const next = this.chain.catch(() => undefined).then(run)
    this.chain = next
    // Connecting happens outside the switch lock: a later switch closes this session, which makes
    // a probe still in flight a no-op. Callers wait for the probe only briefly: a slow or
    // unreachable backend must not hold the UI (the outcome arrives as onConnectionState).
    const session = await next
    if (this.options.connect === false) return session.state
    await withTimeLimit(
      session.connect(),
      this.options.connectWaitMs ?? CONNECT_WAIT_MS,
      () => undefined
    )
    return session.state
  }

  /** Re-opens the active environment (its profile or credential changed). */
  reopen(): Promise<ConnectionState> {
    return this.switchTo(this.environments.activeId, { persist: false })
  }

  private async open(profile: EnvironmentProfile): Promise<EnvironmentSession> {
    const auth = await authFor(profile, this.credentials, {
      localToken: this.options.localEngine?.adminToken ?? null,
      adHocToken: this.options.adHocEnvironment?.token ?? null
    })
    const offlineReason =
      profile.kind === 'bundle'
        ? `"${profile.name}" is an imported incident bundle: offline and read-only, showing what the bundle holds.`
        : profile.kind === 'embedded' && !this.options.localEngine
          ? 'The local engine is not running in this launch (started with --url or without an engine). Showing cached data.'
          : null
    const session: EnvironmentSession = new EnvironmentSession({
      profile,
      auth,
      cachePath: this.cachePath(profile),
      live: this.options.live,
      offlineReason,
      role: profile.kind === 'embedded' && this.options.localEngine ? 'admin' : null,
      http: this.options.http,
      onState: (state) => {
        if (this.session === session) this.emitState(state)
      },
      onEvents: (events) => {
        if (this.session !== session) return
        for (const listener of this.eventListeners) listener(events, session)
      }
    })
    return session
  }

  /** `<dataDir>/cache/<envId>.db`; an ad-hoc URL gets its own file per URL. */
  cachePath(profile: EnvironmentProfile): string {
    const name =
      profile.id === AD_HOC_ENVIRONMENT_ID
        ? `adhoc-${createHash('sha256').update(profile.baseUrl).digest('hex').slice(0, 12)}`
        : profile.id
    return join(this.options.dataDir, 'cache', `${name}.db`)
  }

  /** Removes a saved environment, its keychain entry and its cache; the active one falls back to local. */
  async remove(id: string): Promise<void> {
    const profile = this.environments.get(id)
    if (this.environments.activeId === id) await this.switchTo(LOCAL_ENVIRONMENT_ID)
    await this.environments.remove(id)
    await this.credentials.clear(profile)
    const path = this.cachePath(profile)
    await Promise.all([path, `${path}-wal`, `${path}-shm`].map((p) => rm(p, { force: true })))
    this.emitEnvironments()
  }

  emitEnvironments(): void {
    this.options.onEnvironmentsChanged?.({
      environments: this.views(),
      activeId: this.environments.activeId
    })
  }

  private emitState(state: ConnectionState): void {
    this.options.onConnectionState?.(state)
  }

  /** Closes the open session. */
  async dispose(): Promise<void> {
    await this.chain.catch(() => undefined)
    this.disposed = true
    const session = this.session
    this.session = null
    await session?.close()
  }
}

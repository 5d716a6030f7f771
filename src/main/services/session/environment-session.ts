import type {
  ConnectionState,
  ConnectionStatus,
  StreamHealth
} from '../../../shared/console/domains/environments'
import type { LiveEvent } from '../../../shared/console/domains/live'
import { AuditEventSchema } from '../../../shared/neurorail/audit'
import { StateTransitionEventSchema } from '../../../shared/neurorail/lifecycle'
import { CacheStore } from '../cache/cache-store'
import { BackendClient, type BackendCapabilities } from '../client/backend-client'
import { isBackendError, oneLine } from '../client/backend-error'
import type { HttpOptions } from '../client/http'
import type { EnvironmentProfile } from '../environments/profile'
import { LiveEventStream, type LiveState } from '../live/live-event-stream'
import type { EnvironmentAuth } from './auth-for'

export interface EnvironmentSessionOptions {
  profile: EnvironmentProfile
  auth: EnvironmentAuth
  /** `<dataDir>/cache/<envId>.db` */
  cachePath: string
  /** Open the live stream and keep probing an unreachable backend (the app); false for one-shot CLI commands. */
  live: boolean
  /** Set when this environment cannot have a backend in this launch (local engine not started). */
  offlineReason?: string | null
  /** Known role of the credential (the local engine's admin token), else null. */
  role?: ConnectionState['role']
  http?: HttpOptions
  onState?(state: ConnectionState): void
  onEvents?(events: LiveEvent[]): void
}

/** Counts of the stream (StreamHealth) reach the UI at most this often. */
const DIAGNOSTICS_PUSH_MS = 1_000
const REPROBE_MIN_MS = 2_000
const REPROBE_MAX_MS = 30_000

/**
 * One open environment session: its backend client, its own cache file and its live stream. Created on
 * switch and closed before the next one opens, so no request, timer, socket or cache row of one
 * environment reaches another.
 */
export class EnvironmentSession {
  readonly client: BackendClient | null
  readonly cache: CacheStore
  private stream: LiveEventStream | null = null
  private status: ConnectionStatus = 'connecting'
  private since = new Date().toISOString()
  private message: string | null = null
  private lastDataAt: number | null = null
  private capabilitiesValue: BackendCapabilities = { engine: null, version: null, features: [] }
  private reprobeTimer: NodeJS.Timeout | null = null
  private diagnosticsTimer: NodeJS.Timeout | null = null
  private reprobeDelay = REPROBE_MIN_MS
  private closed = false
  /** Aborted by close: requests in flight end at once rather than at their timeout. */
  private readonly aborts = new AbortController()
  /** A standing remark (missing credential, no offline cache) shown whenever nothing more urgent is. */
  private notice: string | null = null

  constructor(private readonly options: EnvironmentSessionOptions) {
    const { profile } = options
    this.client =
      profile.baseUrl && !options.offlineReason
        ? new BackendClient(profile.baseUrl, options.auth.provider, {
            ...options.http,
            signal: this.aborts.signal
          })
        : null
    let cacheProblem: string | null = null
    try {
      this.cache = CacheStore.open(options.cachePath)
    } catch (error) {
      // A cache file from a newer console or a damaged one must not lock the operator out of the
      // backend: work without an offline cache this time and say so. The file is left untouched.
      this.cache = CacheStore.open(':memory:')
      cacheProblem = `The offline cache ${options.cachePath} could not be opened (${error instanceof Error ? oneLine(error.message, 160) : String(error)}); this session keeps no offline copy.`
    }
    if (!this.client) {
      this.status = 'offline'
      this.message = options.offlineReason ?? `"${profile.name}" has no backend URL.`
    } else {
      this.notice = options.auth.missing ?? cacheProblem
      this.message = this.notice
    }
  }

  get profile(): EnvironmentProfile {
    return this.options.profile
  }

  get capabilities(): BackendCapabilities {
    return this.capabilitiesValue
  }

  /** The connection state as ConnectionState (dataAgeMs computed now). */
  get state(): ConnectionState {
    return {
      environmentId: this.profile.id,
      status: this.status,
      since: this.since,
      lastDataAt: this.lastDataAt === null ? null : new Date(this.lastDataAt).toISOString(),
      dataAgeMs: this.lastDataAt === null ? null : Math.max(0, Date.now() - this.lastDataAt),
      message: this.message,
      capabilities: {
        engine: this.capabilitiesValue.engine,
        features: [...this.capabilitiesValue.features]
      },
      role: this.options.role ?? null,
      ...(this.stream ? { stream: this.streamHealth(this.stream) } : {})
    }
  }

  private streamHealth(stream: LiveEventStream): StreamHealth {
    const k = stream.stats()
    return {
      epoch: stream.epoch,
      frames: k.frames,
      invalid: k.invalid,
      truncated: k.truncated,
      duplicates: k.duplicates,
      resets: k.resets
    }
  }

  /** The stream's counts changed: show them within DIAGNOSTICS_PUSH_MS (coalesced). */
  private diagnosticsChanged(): void {
    if (this.closed || this.diagnosticsTimer) return
    this.diagnosticsTimer = setTimeout(() => {
      this.diagnosticsTimer = null
      if (!this.closed) this.options.onState?.(this.state)
    }, DIAGNOSTICS_PUSH_MS)
    this.diagnosticsTimer.unref()
  }

  /**
   * Probes the backend's capabilities, then (when `live`) opens the stream — SSE on our engine,
   * audit polling on BRAiN. An unreachable backend is probed again with backoff; a refused
   * credential stops at auth_failed until the credential changes (a new session).
   */
  async connect(): Promise<ConnectionState> {
    if (!this.client || this.closed) return this.state
    try {
      this.capabilitiesValue = await this.client.capabilities(true)
      this.noteData()
    } catch (error) {
      if (this.closed) return this.state
      const text = error instanceof Error ? oneLine(error.message) : String(error)
      if (isBackendError(error) && (error.code === 'unauthorized' || error.code === 'forbidden')) {
        this.setStatus('auth_failed', text)
      } else {
        this.setStatus('offline', `${text}. Showing cached data.`)
        this.scheduleReprobe()
      }
      return this.state
    }
    if (this.options.live) await this.openStream()
    else
      this.setStatus(
        this.capabilitiesValue.features.includes('stream') ? 'live' : 'polling',
        this.notice
      )
    return this.state
  }

  private async openStream(): Promise<void> {
    if (!this.client || this.closed) return
    let token: string | null = null
    try {
      const header = await this.options.auth.provider?.authorization()
      token = header ? header.replace(/^Bearer /, '') : null
    } catch (error) {
      this.setStatus('auth_failed', error instanceof Error ? oneLine(error.message) : String(error))
      return
    }
    if (this.closed) return
    const client = this.client
    const resume = this.cache.streamResumePoint()
    this.stream = new LiveEventStream({
      baseUrl: client.apiBaseUrl,
      token,
      hasStream: this.capabilitiesValue.features.includes('stream'),
      lastEventId: resume?.id ?? null,
      epoch: resume?.epoch ?? null,
      onEvents: (events) => this.receive(events),
      onState: (state) => this.streamState(state),
      onDiagnostics: () => this.diagnosticsChanged(),
      poll: { queryAudit: (request) => client.queryAudit(request) }
    })
    this.stream.start()
  }

  private receive(events: LiveEvent[]): void {
    if (this.closed) return
    this.noteData()
    this.cache.appendStreamEvents(events)
    // Audit events recovered by polling are audit rows too: keep them queryable offline.
    const audit = events.flatMap((e) => {
      if (e.channel !== 'audit') return []
      const parsed = AuditEventSchema.safeParse(e.data)
      return parsed.success ? [parsed.data] : []
    })
    if (audit.length > 0) this.cache.putAuditEvents(audit)
    // Lifecycle transitions (our engine sends the full event) keep cached states current for offline use.
    const transitions = events.flatMap((e) => {
      if (e.channel !== 'lifecycle' || e.event_type !== 'state_transition') return []
      const parsed = StateTransitionEventSchema.safeParse(e.data)
      return parsed.success ? [parsed.data] : []
    })
    if (transitions.length > 0) this.cache.putTransitions(transitions)
    this.options.onEvents?.(events)
  }

  private streamState(state: LiveState): void {
    if (this.closed) return
    if (state.lastEventAt !== null)
      this.lastDataAt = Math.max(this.lastDataAt ?? 0, state.lastEventAt)
    this.setStatus(state.status, state.message ?? this.notice)
  }

  private scheduleReprobe(): void {
    if (!this.options.live || this.closed || this.reprobeTimer) return
    this.reprobeTimer = setTimeout(() => {
      this.reprobeTimer = null
      this.reprobeDelay = Math.min(this.reprobeDelay * 2, REPROBE_MAX_MS)
      void this.connect()
    }, this.reprobeDelay)
    this.reprobeTimer.unref()
  }

  /** Records that the backend answered (a successful read), for lastDataAt. */
  noteData(): void {
    this.lastDataAt = Date.now()
  }

  private setStatus(status: ConnectionStatus, message: string | null): void {
    if (this.closed) return
    if (status === this.status && message === this.message) return
    if (status !== this.status) this.since = new Date().toISOString()
    this.status = status
    this.message = message
    this.options.onState?.(this.state)
  }

  /**
   * Closes stream, timers, auth refresh and the cache file, and cancels the requests in flight (a
   * probe or a read of a backend that does not answer holds neither a switch, a CLI command nor
   * the app's quit); no callback fires afterwards.
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.aborts.abort()
    if (this.reprobeTimer) clearTimeout(this.reprobeTimer)
    this.reprobeTimer = null
    if (this.diagnosticsTimer) clearTimeout(this.diagnosticsTimer)
    this.diagnosticsTimer = null
    this.options.auth.close()
    const stream = this.stream
    this.stream = null
    await stream?.close()
    this.cache.close()
  }
}

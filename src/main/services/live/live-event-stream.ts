import type { LiveEvent, LiveFilter } from '../../../shared/console/domains/live'
import { STREAM_OPEN_EVENT, StreamOpenSchema } from '../../../shared/neurorail/stream'
import { AuditPoller, type AuditPollSource, type PollStatus } from './audit-poller'
import { backoffDelay, UNDER_CAP_JITTER, type BackoffOptions } from '../../../shared/backoff'
import {
  compileStreamFilter,
  matchesStreamEvent,
  type StreamFilter
} from '../../../shared/neurorail/stream-filter'
import { parseFrame } from './frame'
import { EventSequencer, isClientId } from './sequencer'
import { openSseConnection, type SseConnection } from './sse-connection'
import { reconnectDelay } from './sse-retry'

export type LiveStatus = 'connecting' | 'live' | 'polling' | 'offline' | 'auth_failed'

/** Connection state as pushed to the UI; `lastEventAt` (epoch ms) gives the age of the data when offline. */
export interface LiveState {
  status: LiveStatus
  message: string | null
  lastEventAt: number | null
}

/** Counters for diagnostics and tests: garbage is counted, never thrown. */
export interface LiveStreamStats {
  /** Frames received (valid or not). */
  frames: number
  delivered: number
  duplicates: number
  /** Frames skipped as garbage (not JSON, wrong shape, too large). */
  invalid: number
  /** Events delivered with parts nested deeper than MAX_EVENT_DEPTH replaced by a marker. */
  truncated: number
  /** Times the backend said the resume point was not in its log (a new or rolled-back log). */
  resets: number
  /** Frames skipped because they do not match the filter (a backend ignoring filters). */
  filtered: number
  /** Connections opened (the first included). */
  connects: number
  heartbeatTimeouts: number
  /** onEvents calls that threw (the events were delivered; the consumer failed on them). */
  consumerErrors: number
}

export interface LiveEventStreamOptions {
  /** NeuroRail API base, e.g. `http://127.0.0.1:8787/api/neurorail/v1`. */
  baseUrl: string
  token: string | null
  /** The backend serves `/stream/events` (our engine); false for the BRAiN baseline: poll instead. */
  hasStream: boolean
  /** Resume point from the cache (Last-Event-ID, or `audit:<id>` for the poller). */
  lastEventId: string | null
  /** The epoch of the log `lastEventId` belongs to (sent as Last-Event-Epoch); null when unknown. */
  epoch?: string | null
  filter?: LiveFilter
  /**
   * New events, in delivery order, each exactly once (per stream instance and resume point). Each
   * carries `epoch` when the backend names its log: ids are only unique within one epoch.
   */
  onEvents(events: LiveEvent[]): void
  onState(state: LiveState): void
  /** The stream's counts of unreadable frames, cut events or resets changed (see stats()). */
  onDiagnostics?(): void
  /** Polling fallback when there is no stream (or it answers 404). */
  poll?: AuditPollSource
  /** No byte (frame or heartbeat comment) for this long means the connection is dead. Default 45 s (engine heartbeats every 15 s). */
  heartbeatTimeoutMs?: number
  /** Audit polling interval. Default 5 s. */
  pollIntervalMs?: number
  /**
   * Reconnect backoff. Default 0.5 s doubling to 30 s. A server's `retry:` lengthens the wait up
   * to the cap, never past it (see reconnectDelay).
   */
  backoff?: BackoffOptions
}

/** Reconnects: 0.5 s doubling to 30 s, never past the ceiling. */
const RECONNECT_BACKOFF: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 30_000 }

/**
 * The live feed of one environment. With a stream: SSE (see sse-connection.ts), reconnecting with
 * backoff and `Last-Event-ID` after cuts, errors and heartbeat timeouts, every event delivered
 * once and in order (see sequencer.ts). Without one (or on a 404): polls the audit history.
 * Frames are validated; garbage is skipped and counted. State changes go to `onState`.
 */
export class LiveEventStream {
  private state: LiveState = { status: 'connecting', message: null, lastEventAt: null }
  private readonly sequencer: EventSequencer
  private readonly filter: StreamFilter
  private connection: SseConnection | null = null
  private poller: AuditPoller | null = null
  private watchdog: ReturnType<typeof setTimeout> | null = null
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  /** Consecutive connection attempts that ended before any frame arrived. */
  private failures = 0
  /** The reconnection time the server last set with `retry:` (ms), kept across connections. */
  private serverRetryMs: number | null = null
  private receivedOnThisConnection = false
  private pending: LiveEvent[] = []
  private flushQueued = false
  private closed = false
  private started = false
  private readonly counters: LiveStreamStats = {
    frames: 0,
    delivered: 0,
    duplicates: 0,
    invalid: 0,
    truncated: 0,
    resets: 0,
    filtered: 0,
    connects: 0,
    heartbeatTimeouts: 0,
    consumerErrors: 0
  }

  constructor(private readonly options: LiveEventStreamOptions) {
    this.sequencer = new EventSequencer(
      options.lastEventId === null
        ? null
        : { id: options.lastEventId, epoch: options.epoch ?? null }
    )
    this.filter = compileStreamFilter(options.filter)
  }

  /** Current state (also pushed through onState on every change). */
  get currentState(): LiveState {
    return { ...this.state }
  }

  stats(): LiveStreamStats {
    return { ...this.counters, truncated: this.counters.truncated + (this.poller?.truncated ?? 0) }
  }

  /** The epoch of the backend's event log, once it named one. */
  get epoch(): string | null {
    return this.sequencer.epoch
  }

  start(): void {
    if (this.started || this.closed) return
    this.started = true
    if (this.options.hasStream) this.connect()
    else this.startPolling(null)
  }

  /** Stops everything; no callback fires after the returned promise resolves. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.stopWatchdog()
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    this.connection?.close()
    this.connection = null
    const poller = this.poller
    this.poller = null
    await poller?.stop()
  }

  private setState(status: LiveStatus, message: string | null): void {
    if (this.closed) return
    if (this.state.status === status && this.state.message === message) return
    this.state = { status, message, lastEventAt: this.state.lastEventAt }
    this.options.onState({ ...this.state })
  }

  // ---- SSE

  private streamUrl(): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}/stream/events`)
    const f = this.options.filter
    for (const c of f?.channels ?? []) url.searchParams.append('channels', c)
    for (const t of f?.eventTypes ?? []) url.searchParams.append('event_types', t)
    for (const e of f?.entityIds ?? []) url.searchParams.append('entity_ids', e)
    return url.toString()
  }

  private connect(): void {
    if (this.closed) return
    this.counters.connects++
    this.receivedOnThisConnection = false
    const headers: Record<string, string> = {}
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`
    // Resume from what was actually delivered, not from what the parser last saw: a frame cut
    // before its blank line was never delivered and must come again.
    this.sequencer.connecting()
    const lastId = this.sequencer.lastEventId
    if (lastId !== null) headers['Last-Event-ID'] = lastId
    // Ids mean something only within their log: let the backend tell whether this one is it.
    const epoch = this.sequencer.epoch
    if (lastId !== null && epoch !== null) headers['Last-Event-Epoch'] = epoch
    this.armWatchdog()
    this.connection = openSseConnection(this.streamUrl(), headers, {
      onOpen: () => {
        this.armWatchdog()
        this.setState('live', null)
      },
      onActivity: () => this.armWatchdog(),
      onFrame: (name, data, id) => this.handleFrame(name, data, id),
      onRetry: (ms) => (this.serverRetryMs = ms),
      onFailure: ({ status, message }) => this.handleFailure(status, message)
    })
  }

  private armWatchdog(): void {
    this.stopWatchdog()
    if (this.closed) return
    const timeout = this.options.heartbeatTimeoutMs ?? 45_000
    this.watchdog = setTimeout(() => {
      this.watchdog = null
      this.counters.heartbeatTimeouts++
      this.connection?.close()
      this.connection = null
      this.handleFailure(null, `no data or heartbeat for ${Math.round(timeout / 1000)} s`)
    }, timeout)
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog)
    this.watchdog = null
  }

  /** One complete frame; `frameId` is the id of its own `id:` line (the payload's is the fallback). */
  private handleFrame(name: string, data: string, frameId: string | undefined): void {
    if (name === STREAM_OPEN_EVENT) {
      const open = StreamOpenSchema.safeParse(safeJson(data))
      if (open.success) {
        // The backend answered with its stream: this connection works, whatever comes next.
        this.receivedOnThisConnection = true
        this.failures = 0
        if (open.data.resume === 'reset') {
          this.counters.resets++
          this.options.onDiagnostics?.()
        }
        this.sequencer.opened(open.data)
        return
      }
    }
    this.counters.frames++
    if (frameId !== undefined) this.sequencer.passed(frameId)
    const parsed = parseFrame(data)
    if (!parsed.ok) {
      this.counters.invalid++
      this.options.onDiagnostics?.()
      return
    }
    this.receivedOnThisConnection = true
    this.failures = 0
    if (parsed.truncated) {
      this.counters.truncated++
      this.options.onDiagnostics?.()
    }
    const id = this.sequencer.accept(frameId ?? parsed.event.id)
    if (id === null) {
      this.counters.duplicates++
      return
    }
    const epoch = this.sequencer.epoch
    this.enqueue(
      epoch !== null && !isClientId(id) ? { ...parsed.event, id, epoch } : { ...parsed.event, id }
    )
  }

  private handleFailure(status: number | null, message: string): void {
    if (this.closed) return
    this.stopWatchdog()
    this.connection = null
    if (status === 401 || status === 403) {
      this.setState(
        'auth_failed',
        `The backend refused the credential for its event stream (HTTP ${status})`
      )
      return
    }
    if ((status === 404 || status === 405) && this.options.poll) {
      this.startPolling('The backend has no event stream; polling its audit history')
      return
    }
    if (!this.receivedOnThisConnection) this.failures++
    const policy = { ...RECONNECT_BACKOFF, ...this.options.backoff, jitter: UNDER_CAP_JITTER }
    const backoff = backoffDelay(Math.min(this.failures, 30), policy)
    const delay = reconnectDelay(backoff, this.serverRetryMs, policy.maxDelayMs)
    const retry = `retrying in ${Math.max(0.1, delay / 1000).toFixed(1)} s`
    if (this.failures <= 1) {
      this.setState('connecting', `Event stream interrupted (${message}); ${retry}`)
    } else {
      this.setState('offline', `Cannot reach the event stream (${message}); ${retry}`)
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      this.connect()
    }, delay)
  }

  // ---- polling

  private startPolling(message: string | null): void {
    if (!this.options.poll) {
      this.setState('offline', 'The backend has no event stream and no audit history to poll')
      return
    }
    this.setState('polling', message)
    this.poller = new AuditPoller({
      source: this.options.poll,
      intervalMs: this.options.pollIntervalMs ?? 5000,
      resumeAfterId: this.options.lastEventId,
      onEvents: (events) => {
        for (const event of events) {
          const id = this.sequencer.accept(event.id)
          if (id === null) this.counters.duplicates++
          else this.enqueue(event)
        }
      },
      onStatus: (status: PollStatus, msg) => this.setState(status, msg ?? message)
    })
    this.poller.start()
  }

  // ---- delivery

  private enqueue(event: LiveEvent): void {
    if (!matchesStreamEvent(this.filter, event)) {
      this.counters.filtered++
      return
    }
    this.pending.push(event)
    // Frames of one network chunk are parsed synchronously; deliver them as one batch.
    if (!this.flushQueued) {
      this.flushQueued = true
      queueMicrotask(() => this.flush())
    }
  }

  private flush(): void {
    this.flushQueued = false
    if (this.closed || this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.counters.delivered += batch.length
    this.state = { ...this.state, lastEventAt: Date.now() }
    try {
      this.options.onEvents(batch)
    } catch {
      // A consumer's failure must not escape this microtask (it would take the process down)
      // nor stop the stream; it is counted for diagnostics.
      this.counters.consumerErrors++
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

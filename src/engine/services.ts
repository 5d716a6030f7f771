import { ENGINE_FEATURES } from '../shared/neurorail'
import { AuditService } from './audit/service'
import { GovernorService } from './governor/service'
import { IdentityService } from './identity/service'
import { LifecycleService } from './lifecycle/service'
import { HttpMetrics } from './metrics/http-metrics'
import type { PromText } from './metrics/prometheus'
import type { Store } from './store/store'
import { EventLog } from './stream/event-log'
import { StreamAdmission } from './stream/admission'
import { StreamHub } from './stream/hub'
import { TelemetryService } from './telemetry/service'

/** Settings the services need. */
export interface ServiceOptions {
  heartbeatMs: number
  /** Bytes a slow SSE subscriber may have queued before it is dropped. */
  sseMaxQueueBytes: number
  /** A subscriber whose socket has not drained for this long is dropped. */
  sseStallTimeoutMs: number
  /** Events the durable stream log keeps for resume. */
  eventRetention: number
  /** Most simultaneous SSE subscribers (default 1000). */
  sseMaxSubscribers?: number
  /** Most simultaneous SSE streams of one viewer or operator token (default 64). */
  sseMaxStreamsPerToken?: number
  /** SSE slots only admin tokens may take (default a tenth of the total, at most 100). */
  sseAdminReserve?: number
}

/**
 * Every in-process service of one engine. Other modules (routes, budgets, reflexes, the desktop
 * host) reach the engine through this object; writes that must be atomic go through
 * `store.transaction(() => { …; events.publish(…); audit.write(…) })`.
 */
export interface EngineServices {
  store: Store
  /** Durable stream log: `publish(channel, eventType, data)` joins the caller's transaction. */
  events: EventLog
  hub: StreamHub
  /** Who may open another SSE stream (per-token shares, the admin reserve). */
  streams: StreamAdmission
  identity: IdentityService
  lifecycle: LifecycleService
  audit: AuditService
  telemetry: TelemetryService
  governor: GovernorService
  httpMetrics: HttpMetrics
  /** When the engine started (ms since epoch). */
  startedAt: number
  /**
   * Feature names listed by `GET /capabilities`: the core's, then each attached module's (the
   * engine adds an `EngineModule`'s `features` when it attaches it).
   */
  features: Set<string>
  /** Extra `/metrics` families: each attached module's `metrics` (governance's §8 counters). */
  metricSources: Array<(p: PromText) => void>
}

/** Wires the services over an open store. */
export function createServices(store: Store, options: ServiceOptions): EngineServices {
  // First: it validates its settings, and nothing else has started yet.
  const maxStreams = options.sseMaxSubscribers ?? 1000
  const streams = new StreamAdmission({
    maxStreams,
    perToken: options.sseMaxStreamsPerToken ?? 64,
    adminReserve: options.sseAdminReserve ?? Math.min(100, Math.floor(maxStreams / 10))
  })
  let hub: StreamHub | null = null
  const events = new EventLog(store, () => hub, options.eventRetention)
  hub = new StreamHub({
    heartbeatMs: options.heartbeatMs,
    maxQueueBytes: options.sseMaxQueueBytes,
    stallTimeoutMs: options.sseStallTimeoutMs,
    readAfter: (after, limit) => events.readAfter(after, limit),
    lastId: () => events.lastId()
  })
  const identity = new IdentityService(store)
  const audit = new AuditService(store, events)
  const telemetry = new TelemetryService(store, identity)
  const lifecycle = new LifecycleService(store, identity, audit, telemetry, events)
  const governor = new GovernorService(store, audit, events)
  return {
    store,
    events,
    hub,
    streams,
    identity,
    lifecycle,
    audit,
    telemetry,
    governor,
    httpMetrics: new HttpMetrics(),
    startedAt: Date.now(),
    features: new Set(ENGINE_FEATURES),
    metricSources: []
  }
}

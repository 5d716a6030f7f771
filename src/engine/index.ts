import type { AddressInfo } from 'node:net'
import { API_PREFIX } from '../shared/neurorail'
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './auth/rate-limit'
import { generateToken, TokenRegistry, type EngineRole } from './auth/tokens'
import { governanceOf } from './governance'
import { Router, type Route } from './http/router'
import { createEngineServer, type LogEntry } from './http/server'
import { stdoutLogSink } from './log'
import { registerAllRoutes } from './routes'
import { createServices, type EngineServices } from './services'
import { Store } from './store/store'
import { DEFAULT_EVENT_RETENTION } from './stream/event-log'

export type { EngineServices } from './services'
export type { TransitionGuard, TransitionGuardContext, GuardRefusal, TransitionListener } from './lifecycle/service'
export type { RouteModule } from './routes'
export { ROUTE_MODULES } from './routes'
export { HttpError, isHttpError } from './http/errors'
export { ENGINE_VERSION } from './version'

/** Options of {@link startEngine}. */
export interface EngineOptions {
  /** SQLite file (created if absent) or `':memory:'`. */
  dbPath: string
  /** Interface to bind; 127.0.0.1 unless said otherwise. */
  host?: string
  /** TCP port; 0 (default) picks a free one. */
  port?: number
  /** The admin bearer token; generated when absent (read it back from `adminToken`). */
  adminToken?: string
  /** Further tokens and their roles. */
  tokens?: Array<{ token: string; role: EngineRole; name?: string }>
  /** Per-token rate limit; `false` turns it off. Default {@link DEFAULT_RATE_LIMIT}. */
  rateLimit?: RateLimitOptions | false
  /** SSE comment heartbeat period; default 15000 ms. */
  heartbeatMs?: number
  /**
   * Receives one structured entry per request and per notable event. Default: JSON lines on stdout
   * through pino ({@link stdoutLogSink}).
   */
  logger?: (entry: object) => void
  /** No logging at all (overrides the default logger, not an explicit one). */
  quiet?: boolean
  /**
   * Bytes of frames an SSE subscriber may have waiting in memory before it is switched to reading
   * the durable log; default 1 MiB.
   */
  sseMaxQueueBytes?: number
  /** An SSE subscriber whose socket has not drained for this long is dropped; default 30 s. */
  sseStallTimeoutMs?: number
  /** Most simultaneous SSE subscribers; more get 503 with Retry-After. Default 1000. */
  sseMaxSubscribers?: number
  /** Stream events kept for `Last-Event-ID` resume; default 1,000,000. */
  eventRetention?: number
  /**
   * Period of the background WAL checkpoints (a worker thread); default 250 ms. 0 leaves
   * checkpoints to SQLite, inline in commits (saves the worker's memory, costs latency spikes).
   */
  checkpointIntervalMs?: number
}

/** A running engine. */
export interface RunningEngine {
  /** e.g. `http://127.0.0.1:41234` */
  url: string
  /** `url` + `/api/neurorail/v1` */
  baseUrl: string
  port: number
  adminToken: string
  /** Registers another bearer token with a role. */
  addToken(token: string, role: EngineRole, name?: string): void
  /**
   * Revokes a token registered with `addToken` (or `tokens`): later requests carrying it get 401,
   * its rate-limit bucket is dropped and its open SSE streams are ended. Unknown tokens are ignored.
   */
  removeToken(token: string): void
  /**
   * Graceful shutdown: refuse new requests, let in-flight ones finish (writes included), end every
   * SSE stream with a closing comment, then close the database. Idempotent.
   */
  close(): Promise<void>
  services: EngineServices
  /** Every registered route with its permission (tests walk them: RBAC, hostile bodies). */
  routes: readonly Route[]
}

/** Starts an engine: opens (and migrates) the store, wires services and routes, and listens. */
export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const store = new Store(options.dbPath, { checkpointIntervalMs: options.checkpointIntervalMs })
  const services = createServices(store, {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    sseMaxQueueBytes: options.sseMaxQueueBytes ?? 1024 * 1024,
    sseStallTimeoutMs: options.sseStallTimeoutMs ?? 30_000,
    sseMaxSubscribers: options.sseMaxSubscribers,
    eventRetention: options.eventRetention ?? DEFAULT_EVENT_RETENTION
  })
  const tokens = new TokenRegistry()
  const adminToken = options.adminToken ?? generateToken()
  tokens.add(adminToken, 'admin', 'admin')
  for (const t of options.tokens ?? []) tokens.add(t.token, t.role, t.name)

  const sink: ((entry: LogEntry) => void) | null =
    options.logger ?? (options.quiet ? null : stdoutLogSink())
  const log = (entry: LogEntry): void => sink?.(entry)
  const router = new Router()
  registerAllRoutes(router, services)
  const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit
  const rateLimiter = rateLimit ? new RateLimiter(rateLimit) : null
  const http = createEngineServer({
    router,
    tokens,
    rateLimiter,
    log: sink,
    commit: { batch: () => store.currentBatch, committed: (batch) => store.committed(batch) },
    hooks: {
      onRequest: (route, _method, status, ms) => services.httpMetrics.record(route, status, ms),
      onAuthorization: (allowed) => services.httpMetrics.authorize(allowed)
    }
  })
  // Keep-alive sockets idle longer than clients expect would be cut mid-reuse; 65 s outlives
  // the usual 60 s client pools.
  http.server.keepAliveTimeout = 65_000

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject)
    http.server.listen(options.port ?? 0, host, () => {
      http.server.off('error', reject)
      resolve()
    })
  })
  const port = (http.server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${urlHost}:${port}`
  log({ time: new Date().toISOString(), level: 'info', msg: 'engine listening', url, db: options.dbPath })

  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      http.stopAccepting()
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()))
      services.hub.close()
      // Writes are synchronous inside a request, so waiting for in-flight requests is waiting for
      // their writes; a stuck client gets 5 s before its socket is cut.
      await Promise.race([http.idle(), new Promise((r) => setTimeout(r, 5000).unref())])
      http.server.closeIdleConnections()
      const force = setTimeout(() => http.server.closeAllConnections(), 2000)
      force.unref()
      await closed
      clearTimeout(force)
      // Governance timers (attempt deadlines, cooldowns) must not fire into a closed store.
      governanceOf(services)?.close()
      store.close()
      log({ time: new Date().toISOString(), level: 'info', msg: 'engine stopped', url })
    })()
    return closing
  }

  return {
    url,
    baseUrl: url + API_PREFIX,
    port,
    adminToken,
    addToken: (token, role, name) => tokens.add(token, role, name),
    removeToken: (token) => {
      tokens.remove(token)
      rateLimiter?.forget(token)
      services.hub.closeOwner(token)
    },
    close,
    services,
    routes: router.routes()
  }
}

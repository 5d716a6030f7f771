import type { AddressInfo } from 'node:net'
import { API_PREFIX } from '../shared/neurorail'
import { hostPolicy, isAllowedHost, type HostPolicy } from '../shared/net/host'
import { PrincipalRateLimiter, roleRateLimits, type RateLimitOptions } from './auth/rate-limit'
import { generateToken, TokenRegistry, type EngineRole } from './auth/tokens'
import { systemClock, type Clock } from './clock'
import { extender } from './extensions'
import type { Governance, GovernanceOptions } from './governance'
import { Router, type Route } from './http/router'
import { createEngineServer, type LogEntry } from './http/server'
import { attachModule, type AttachedModule, type EngineModule } from './module'
import { coreRoutes } from './routes'
import { governanceModule } from './routes/governance'
import { stdoutLogSink } from './log'
import { otlpIngestModule } from './routes/otlp-ingest'
import type { OtlpIngest, OtlpIngestOptions } from './otlp/ingest'
import { createServices, type EngineServices } from './services'
import { Store } from './store/store'
import { DEFAULT_EVENT_RETENTION } from './stream/event-log'

export type { EngineServices } from './services'
export type {
  TransitionGuard,
  TransitionGuardContext,
  GuardRefusal,
  TransitionListener
} from './lifecycle/service'
export type { RouteModule } from './routes'
export { ROUTE_MODULES } from './routes'
export type { EngineModule, AttachedModule, ModuleContext } from './module'
export type { RouteDef } from './http/route'
export type { Governance } from './governance'
export type { OtlpIngest, OtlpIngestOptions } from './otlp/ingest'
export { HttpError, isHttpError } from './http/errors'
export { DomainError, isDomainError } from './errors'
export { ENGINE_VERSION } from './version'

/** Options of {@link startEngine}. */
export interface EngineOptions {
  /** SQLite file (created if absent) or `':memory:'`. */
  dbPath: string
  /** Interface to bind; 127.0.0.1 unless said otherwise. */
  host?: string
  /** TCP port; 0 (default) picks a free one. */
  port?: number
  /**
   * Host names (`name` any port, `name:port` that one; `*` turns the check off) answered besides
   * the loopback names and the bound address with the served port; every other Host gets 421,
   * so a DNS-rebinding page cannot reach the engine. See `src/shared/net/host.ts`.
   */
  allowedHosts?: string[]
  /** The admin bearer token; generated when absent (read it back from `adminToken`). */
  adminToken?: string
  /** Further tokens and their roles. */
  tokens?: Array<{ token: string; role: EngineRole; name?: string }>
  /**
   * Per-token rate limit of viewer and operator tokens (agents); `false` turns it off. Default
   * 2,000/s with a burst of 4,000 (see `roleRateLimits`). Refusals are 429 with Retry-After.
   */
  rateLimit?: RateLimitOptions | false
  /** Per-token rate limit of admin tokens; default `false`: the operator's own work is not throttled. */
  adminRateLimit?: RateLimitOptions | false
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
  /** Most simultaneous SSE streams per viewer or operator token; more get 429. Default 64. */
  sseMaxStreamsPerToken?: number
  /**
   * SSE slots only admin tokens may take, so no other token can starve the console's stream.
   * Default a tenth of `sseMaxSubscribers`, at most 100.
   */
  sseAdminReserve?: number
  /** Stream events kept for `Last-Event-ID` resume; default 1,000,000. */
  eventRetention?: number
  /**
   * Period of the background WAL checkpoints (a worker thread); default 250 ms. 0 leaves
   * checkpoints to SQLite, inline in commits (saves the worker's memory, costs latency spikes).
   */
  checkpointIntervalMs?: number
  /** The clock timers and modules run on (tests pass a fake one); default the system clock. */
  clock?: Clock
  /** Governance tuning, or `false` for an engine without the governance module. */
  governance?: Partial<GovernanceOptions> | false
  /**
   * OTLP trace ingest (`POST /v1/traces`, docs/otel.md) tuning, or `false` for an engine without
   * it. `port` opens a second listener (OTLP's default is 4318) serving only that route.
   */
  otlp?: Partial<OtlpIngestOptions> | false
  /** Further modules, attached after governance and OTLP ingest in this order (see `./module`). */
  modules?: readonly EngineModule[]
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
  /** The governance module's handle, or null when started with `governance: false`. */
  governance: Governance | null
  /** The OTLP ingest module's handle, or null when started with `otlp: false`. */
  otlp: OtlpIngest | null
  /** `http://host:port/v1/traces` of the second OTLP listener, when `otlp.port` opened one. */
  otlpUrl: string | null
}

/** Starts an engine: opens (and migrates) the store, wires services and routes, and listens. */
export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const host = options.host ?? '127.0.0.1'
  // Validates the allow-list before anything is opened; the real policy needs the bound port.
  let hosts: HostPolicy = hostPolicy(host, -1, options.allowedHosts)
  const store = new Store(options.dbPath, { checkpointIntervalMs: options.checkpointIntervalMs })
  let services: EngineServices
  try {
    services = createServices(store, {
      heartbeatMs: options.heartbeatMs ?? 15_000,
      sseMaxQueueBytes: options.sseMaxQueueBytes ?? 1024 * 1024,
      sseStallTimeoutMs: options.sseStallTimeoutMs ?? 30_000,
      sseMaxSubscribers: options.sseMaxSubscribers,
      sseMaxStreamsPerToken: options.sseMaxStreamsPerToken,
      sseAdminReserve: options.sseAdminReserve,
      eventRetention: options.eventRetention ?? DEFAULT_EVENT_RETENTION
    })
  } catch (err) {
    // Bad settings (e.g. stream limits): do not leave the file and its checkpointer open.
    store.close()
    throw err
  }

  const tokens = new TokenRegistry()
  const adminToken = options.adminToken ?? generateToken()
  tokens.add(adminToken, 'admin', 'admin')
  for (const t of options.tokens ?? []) tokens.add(t.token, t.role, t.name)

  const sink: ((entry: LogEntry) => void) | null =
    options.logger ?? (options.quiet ? null : stdoutLogSink())
  const log = (entry: LogEntry): void => sink?.(entry)
  const router = new Router()
  router.addRoutes(coreRoutes(services))
  // Modules: each migrates its own tables, plugs in through `extend`, and brings its routes.
  const ctx = { services, extend: extender(services), clock: options.clock ?? systemClock, log }
  const governanceDef = governanceModule(options.governance || {})
  // The shared feature list names built-in modules' features in their place; drop a left-out one's.
  if (options.governance === false)
    for (const f of governanceDef.features) services.features.delete(f)
  const otlpDef = options.otlp === false ? null : otlpIngestModule(options.otlp ?? {})
  if (options.otlp === false)
    for (const f of otlpIngestModule().features) services.features.delete(f)
  const modules: EngineModule[] = [
    ...(options.governance === false ? [] : [governanceDef]),
    ...(otlpDef ? [otlpDef] : []),
    ...(options.modules ?? [])
  ]
  const attached: AttachedModule[] = []
  let governance: Governance | null = null
  let otlp: OtlpIngest | null = null
  // Routes outside the API prefix (OTLP's /v1/traces) have a router of their own.
  const absoluteRouter = new Router()
  try {
    for (const module of modules) {
      const a = attachModule(module, ctx)
      attached.push(a)
      router.addRoutes(a.routes.filter((r) => !r.absolute))
      absoluteRouter.addAbsoluteRoutes(a.routes.filter((r) => r.absolute))
      if (module === governanceDef) governance = a.handle as Governance
      if (module === otlpDef) otlp = a.handle as OtlpIngest
    }
  } catch (err) {
    // A module that cannot start (a schema from a newer engine) stops the engine before it listens.
    for (const a of attached.reverse()) a.dispose()
    services.hub.close()
    store.close()
    throw err
  }
  const limits = roleRateLimits(options.rateLimit, options.adminRateLimit)
  const rateLimiter =
    limits.viewer || limits.operator || limits.admin ? new PrincipalRateLimiter(limits) : null
  const serverDeps = (main: Router) => ({
    router: main,
    absoluteRouter,
    tokens,
    rateLimiter,
    log: sink,
    commit: {
      batch: () => store.currentBatch,
      committed: (batch: number) => store.committed(batch)
    },
    hostAllowed: (h: string | undefined) => isAllowedHost(h, hosts),
    hooks: {
      onRequest: (route: string, _method: string, status: number, ms: number) =>
        services.httpMetrics.record(route, status, ms),
      onAuthorization: (allowed: boolean) => services.httpMetrics.authorize(allowed)
    }
  })
  const http = createEngineServer(serverDeps(router))
  // Keep-alive sockets idle longer than clients expect would be cut mid-reuse; 65 s outlives
  // the usual 60 s client pools.
  http.server.keepAliveTimeout = 65_000

  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject)
    http.server.listen(options.port ?? 0, host, () => {
      http.server.off('error', reject)
      resolve()
    })
  })
  const port = (http.server.address() as AddressInfo).port
  hosts = hostPolicy(host, port, options.allowedHosts)
  const urlHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${urlHost}:${port}`
  log({
    time: new Date().toISOString(),
    level: 'info',
    msg: 'engine listening',
    url,
    db: options.dbPath
  })
  // The optional second listener (OTLP's conventional 4318) serves the absolute routes only.
  let otlpHttp: ReturnType<typeof createEngineServer> | null = null
  let otlpUrl: string | null = null
  if (otlp && otlp.options.port !== null) {
    otlpHttp = createEngineServer(serverDeps(new Router()))
    const s2 = otlpHttp.server
    await new Promise<void>((resolve, reject) => {
      s2.once('error', reject)
      s2.listen(otlp?.options.port ?? 0, host, () => {
        s2.off('error', reject)
        resolve()
      })
    }).catch(async (err: unknown) => {
      await new Promise((r) => http.server.close(r))
      for (const a of [...attached].reverse()) a.dispose()
      services.hub.close()
      store.close()
      throw err
    })
    otlpUrl = `http://${urlHost}:${(s2.address() as AddressInfo).port}/v1/traces`
    log({ time: new Date().toISOString(), level: 'info', msg: 'otlp listening', url: otlpUrl })
  }

  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      http.stopAccepting()
      otlpHttp?.stopAccepting()
      const otlpClosed = otlpHttp
        ? new Promise<void>((resolve) => otlpHttp?.server.close(() => resolve()))
        : Promise.resolve()
      otlpHttp?.server.closeIdleConnections()
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()))
      services.hub.close()
      // Writes are synchronous inside a request, so waiting for in-flight requests is waiting for
      // their writes; a stuck client gets 5 s before its socket is cut.
      await Promise.race([http.idle(), new Promise((r) => setTimeout(r, 5000).unref())])
      http.server.closeIdleConnections()
      const force = setTimeout(() => http.server.closeAllConnections(), 2000)
      force.unref()
      await closed
      otlpHttp?.server.closeAllConnections()
      await otlpClosed
      clearTimeout(force)
      // Module timers (attempt deadlines, cooldowns) must not fire into a closed store.
      for (const a of [...attached].reverse()) a.dispose()
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
    routes: [...router.routes(), ...absoluteRouter.routes()],
    governance,
    otlp,
    otlpUrl
  }
}

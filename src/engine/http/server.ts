// node:http rather than Fastify: no extra dependency in a bundle that ships inside the desktop
// app, and full control over long-lived SSE responses (backpressure via write()/'drain', our own
// heartbeat and close semantics) without fighting a framework's reply lifecycle.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { truncate } from '../../shared/json-depth'
import { API_PREFIX, hasPermission, ROLE_PERMISSIONS } from '../../shared/neurorail'
import { recordingAs } from '../store/recorder'
import type { TokenRegistry } from '../auth/tokens'
import type { PrincipalRateLimiter } from '../auth/rate-limit'
import { readJsonBody } from './body'
import { asHttpError, HttpError } from './errors'
import { HANDLED, Reply, type Principal, type Router } from './router'

/** A structured log entry (one JSON object per line). */
export type LogEntry = Record<string, unknown>

/** Hooks the server reports to (metrics, RBAC stats). */
export interface ServerHooks {
  onRequest?: (route: string, method: string, status: number, durationMs: number) => void
  onAuthorization?: (allowed: boolean) => void
}

/** What the HTTP layer needs from the engine. */
export interface ServerDeps {
  router: Router
  /** Routes served at absolute paths outside the API prefix (OTLP's `/v1/traces`); none when absent. */
  absoluteRouter?: Router
  tokens: TokenRegistry
  rateLimiter: PrincipalRateLimiter | null
  /** Structured log sink; null when logging is off (then no entry is even built). */
  log: ((entry: LogEntry) => void) | null
  hooks?: ServerHooks
  /**
   * Group commit: `batch()` names the store batch a handler wrote into (read right after the
   * handler returns) and `committed(batch)` resolves once it is on disk (rejects if it failed).
   */
  commit?: { batch: () => number; committed: (batch: number) => Promise<void> }
  /** DNS-rebinding guard: false refuses the request (421) before anything else looks at it. */
  hostAllowed?: (host: string | undefined) => boolean
}

const JSON_TYPE = 'application/json; charset=utf-8'
/** Longest string `detail` an error answer carries. */
const MAX_DETAIL_CHARS = 1000
const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/

/** The HTTP server plus a way to wait for in-flight (non-streaming) requests during shutdown. */
export interface EngineHttpServer {
  server: Server
  /** Resolves once no non-streaming request is being handled. */
  idle(): Promise<void>
  /** Stops taking new requests: they get 503 while shutdown drains the rest. */
  stopAccepting(): void
}

/** Creates the engine's HTTP server (not yet listening). */
export function createEngineServer(deps: ServerDeps): EngineHttpServer {
  let inFlight = 0
  let accepting = true
  let idleWaiters: Array<() => void> = []
  const settle = (): void => {
    if (inFlight === 0) {
      const w = idleWaiters
      idleWaiters = []
      for (const fn of w) fn()
    }
  }

  const server = createServer((req, res) => {
    const started = performance.now()
    const incoming = req.headers['x-request-id']
    const requestId =
      typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID()
    res.setHeader('X-Request-ID', requestId)
    let counted = true
    inFlight++
    const finishInFlight = (): void => {
      if (!counted) return
      counted = false
      inFlight--
      settle()
    }
    let routeName = 'unmatched'
    res.on('finish', () => {
      const durationMs = performance.now() - started
      // An event listener that throws is an uncaught exception: a failing hook or log sink must
      // not take the process (and, embedded, the console) down.
      try {
        deps.hooks?.onRequest?.(routeName, req.method ?? 'GET', res.statusCode, durationMs)
        deps.log?.({
          time: new Date().toISOString(),
          level: res.statusCode >= 500 ? 'error' : 'info',
          msg: 'request',
          request_id: requestId,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
          route: routeName,
          status: res.statusCode,
          duration_ms: Math.round(durationMs * 100) / 100
        })
      } catch {
        // Nothing left to tell it to.
      }
    })
    res.on('close', finishInFlight)

    handle(req, res, requestId, (name, streaming) => {
      routeName = name
      // A stream lives until the client or shutdown ends it; it must not hold up the drain.
      if (streaming) finishInFlight()
    }).catch((err: unknown) => {
      sendError(res, err, deps, requestId)
    })
  })

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    matched: (route: string, streaming: boolean) => void
  ): Promise<void> {
    checkHost(req, deps)
    if (!accepting) throw new HttpError(503, 'Engine is shutting down', { Connection: 'close' })
    const url = new URL(req.url ?? '/', 'http://engine')
    const underPrefix = url.pathname.startsWith(API_PREFIX + '/') || url.pathname === API_PREFIX
    const router = underPrefix ? deps.router : deps.absoluteRouter
    if (!router) throw new HttpError(404, 'Not Found')
    const path = underPrefix ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname
    const method = req.method ?? 'GET'
    const match = router.match(method, path)
    if (match.kind === 'not_found') throw new HttpError(404, 'Not Found')
    if (match.kind === 'method_not_allowed') {
      throw new HttpError(405, 'Method Not Allowed', { Allow: match.allowed.join(', ') })
    }
    const route = match.route
    matched(`${route.method} ${route.pattern}`, route.streaming === true)

    const principal = authenticate(req, url, route.queryToken === true)
    if (route.permission !== null) {
      const allowed = hasPermission(principal.role, route.permission)
      deps.hooks?.onAuthorization?.(allowed)
      if (!allowed) {
        throw new HttpError(403, {
          error: 'Insufficient permissions',
          reason: `Role '${principal.role}' lacks permission '${route.permission}'`,
          required_permissions: [route.permission],
          user_permissions: [...ROLE_PERMISSIONS[principal.role]]
        })
      }
    }
    if (deps.rateLimiter) {
      const wait = deps.rateLimiter.take(principal)
      if (wait > 0) {
        throw new HttpError(429, `Rate limit exceeded; retry in ${wait} s`, {
          'Retry-After': String(wait)
        })
      }
    }
    const body =
      method === 'GET' || method === 'HEAD' || route.rawBody ? undefined : await readJsonBody(req)
    // Audit entries this request writes are recorded for its principal (audit/recorder); the
    // scope is the handler's synchronous run, which is where engine handlers write.
    const recorder = { name: principal.name, role: principal.role }
    const ctx = {
      req,
      res,
      params: match.params,
      query: url.searchParams,
      body,
      principal,
      requestId
    }
    const result = recordingAs(recorder, () => route.handler(ctx))
    // Synchronous handlers wrote into the batch that is current now; async ones (none in the
    // engine so far) are awaited first and then checked against the batch current at their end.
    const value = result instanceof Promise ? await result : result
    if (value === HANDLED) return
    // Group commit: answer only once the writes of this request are on disk.
    if (deps.commit) await deps.commit.committed(deps.commit.batch())
    if (value instanceof Reply) {
      send(res, value.status, value.body, value.headers, value.contentType)
    } else {
      send(res, 200, value)
    }
  }

  function authenticate(req: IncomingMessage, url: URL, allowQuery: boolean): Principal {
    let token: string | null = null
    const header = req.headers.authorization
    if (typeof header === 'string') {
      const m = /^Bearer\s+(.+)$/i.exec(header.trim())
      if (!m) throw unauthorized('Invalid authorization header: expected "Bearer <token>"')
      token = (m[1] as string).trim()
    } else if (allowQuery) {
      token = url.searchParams.get('access_token')
    }
    if (!token) throw unauthorized('Authentication required')
    const principal = deps.tokens.resolve(token)
    if (!principal) throw unauthorized('Invalid token')
    return principal
  }

  return {
    server,
    idle: () =>
      inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    stopAccepting: () => {
      accepting = false
    }
  }
}

/** Refuses a Host this server does not answer to (a DNS-rebinding page names its own domain). */
function checkHost(req: IncomingMessage, deps: ServerDeps): void {
  if (deps.hostAllowed && !deps.hostAllowed(req.headers.host)) {
    // The header is not echoed: it is the attacker's text.
    throw new HttpError(
      421,
      'Misdirected request: this engine does not answer to that Host (see --allow-host)',
      {
        Connection: 'close'
      }
    )
  }
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, { 'WWW-Authenticate': 'Bearer' })
}

/** Writes a JSON (or preformatted) response. */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType?: string
): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const text = Buffer.isBuffer(body)
    ? body
    : contentType
      ? String(body)
      : JSON.stringify(body ?? null)
  res.writeHead(status, {
    'Content-Type': contentType ?? JSON_TYPE,
    'Content-Length': Buffer.byteLength(text),
    ...headers
  })
  res.end(text)
}

/**
 * Answers a failed request. Never throws, whatever `err` is: it runs in the request promise's last
 * `catch`, where a throw would be an unhandled rejection that ends the process (and, embedded in
 * `controldeck serve` or Electron, the console). A detail that cannot be serialised becomes a 500,
 * a response that cannot be written is cut.
 */
export function sendError(
  res: ServerResponse,
  err: unknown,
  deps: Pick<ServerDeps, 'log'>,
  requestId: string
): void {
  try {
    // Domain errors are mapped to their status here, from the one table in ./errors.
    const answer = asHttpError(err)
    if (answer) {
      // A body we refused to read must not be parsed as the next request on this connection.
      const headers =
        answer.status === 413 ? { ...answer.headers, Connection: 'close' } : answer.headers
      // Messages may quote the request (an id, a path): never more than a line of it.
      const detail =
        typeof answer.detail === 'string'
          ? truncate(answer.detail, MAX_DETAIL_CHARS)
          : answer.detail
      send(res, answer.status, { detail }, headers)
      return
    }
  } catch (sendFailure) {
    err = sendFailure
  }
  try {
    deps.log?.({
      time: new Date().toISOString(),
      level: 'error',
      msg: 'unhandled error',
      request_id: requestId,
      error: describeError(err)
    })
  } catch {
    // A failing log sink must not stop the answer below.
  }
  try {
    send(res, 500, { detail: `Internal server error (request ${requestId})` })
  } catch {
    res.destroy()
  }
}

/** A stack or message for the log; reading either may itself throw (a hostile getter). */
function describeError(err: unknown): string {
  try {
    return err instanceof Error ? (err.stack ?? err.message) : String(err)
  } catch {
    return 'unprintable error'
  }
}

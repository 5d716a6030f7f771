import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ConsoleError, ConsoleErrorCode } from '../../../shared/console/errors'
import { parseJsonBounded } from '../../../shared/json-depth'
import { MAX_REQUEST_DEPTH } from '../../../shared/neurorail/limits'
import { hostPolicy, isAllowedHost, type HostPolicy } from '../../../shared/net/host'
import {
  statusForConsoleError,
  toConsoleError,
  type ConsoleService,
  type ServiceLog
} from '../console-service'
import {
  createBrowserSessions,
  readCookie,
  sessionCookie,
  sessionCookieName
} from './browser-session'
import { SECURITY_HEADERS } from './csp'
import { EventBatcher } from '../live/event-batcher'
import {
  openSseStream,
  SSE_BACKLOG_MAX_BYTES,
  SSE_HEARTBEAT_MS,
  SSE_WRITE_MAX_BYTES,
  sseFrames,
  type SseClient
} from './sse'
import { serveStatic } from './static'
import { bearerToken, createToken, tokenMatches } from './token'

/** Largest accepted JSON body of a method call. */
export const MAX_BODY_BYTES = 1024 * 1024

/** Options of {@link startBrowserServer}. */
export interface BrowserServerOptions {
  readonly service: ConsoleService
  /** The built renderer (out/renderer). */
  readonly rendererDir: string
  /** Interface to bind; 127.0.0.1 unless the operator insists (a warning is printed then). */
  readonly host?: string
  /** 0 picks a free port. */
  readonly port?: number
  /**
   * Host names answered besides the loopback names and the bound address (`--allow-host`: `name`
   * with any port, `name:port` with that one, `*` turns the check off); see hostPolicy.
   */
  readonly allowedHosts?: readonly string[]
  /** Fixed token (tests); a random one per launch otherwise. */
  readonly token?: string
  readonly heartbeatMs?: number
  readonly log?: ServiceLog
  /** How long a one-time sign-in code stays usable (LOGIN_CODE_TTL_MS, one minute). */
  readonly loginCodeTtlMs?: number
  /** The clock of sign-in codes (tests). */
  readonly now?: () => number
}

/** A running browser-mode server. */
export interface BrowserServer {
  /**
   * What to open, printed at start: the origin plus `/login?code=…`, a one-time code that signs one
   * browser in (HttpOnly cookie) and is worthless afterwards.
   */
  readonly url: string
  /** `http://host:port`. */
  readonly origin: string
  readonly port: number
  /** The bearer token for scripts (`Authorization: Bearer …`); never part of a URL. */
  readonly token: string
  /** Issues another one-time sign-in address (each works once, within `loginCodeTtlMs`). */
  loginUrl(): string
  /** How many `GET /api/events` streams are open (status display, tests). */
  eventStreamCount(): number
  close(): Promise<void>
}

class HttpFailure extends Error {
  constructor(readonly error: ConsoleError) {
    super(error.message)
  }
}

function failure(code: ConsoleErrorCode, message: string): HttpFailure {
  return new HttpFailure({ code, message, retriable: false })
}

const UNAUTHORIZED =
  'This browser is not signed in to ControlDeck: open the one-time address printed by ' +
  '`controldeck serve` (scripts send its token as `Authorization: Bearer`).'

/** What a browser sees when a sign-in address no longer works. */
const SPENT_LOGIN =
  'This ControlDeck sign-in address has already been used or has expired: each one works once, ' +
  'within a minute. Use the newest address `controldeck serve` printed, restart it, or ask it ' +
  'for a new one with its token (POST /login-link with `Authorization: Bearer` and the token in ' +
  'the serve-token file of its data folder).\n'

/** True when a request's Content-Type is JSON (a type no other origin may send without asking). */
function isJsonRequest(req: IncomingMessage): boolean {
  const [type = ''] = (req.headers['content-type'] ?? '').split(';')
  return type.trim().toLowerCase() === 'application/json'
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store'
  })
  res.end(text)
}

function sendError(res: ServerResponse, error: ConsoleError): void {
  // The status follows our code, never `error.status`: that may be a backend's own status (a 401
  // from a remote backend must not look like a wrong browser-mode token).
  const status = statusForConsoleError(error)
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="controldeck"')
  sendJson(res, status, { ok: false, error })
}

/**
 * Reads a JSON body of at most MAX_BODY_BYTES and MAX_REQUEST_DEPTH levels; an empty body is `{}`
 * (methods without input). Too deep is refused before parsing: the services, the engine client and
 * the answer's serialisation all recurse over the input.
 */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY_BYTES) {
    throw failure('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      throw failure('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`)
    }
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  const parsed = parseJsonBounded(text, MAX_REQUEST_DEPTH)
  if (parsed.ok) return parsed.value
  if (parsed.reason === 'malformed')
    throw failure('invalid_input', 'The request body is not valid JSON.')
  throw failure('invalid_input', `The request body is ${parsed.message}.`)
}

/**
 * Browser mode: the console services behind a loopback HTTP server. `POST /api/<method>` carries a
 * method call (`{ok:true, result}` or `{ok:false, error}`), `GET /api/events` the pushed events as
 * SSE, `GET /login?code=…` signs a browser in, everything else is the built renderer.
 *
 * Every request must name this server in its Host header (DNS rebinding). Every /api request
 * needs either the per-launch token as a bearer header (scripts) or the session cookie a sign-in
 * code was exchanged for (browsers). Cookie-carried requests are also held against cross-site
 * forgery: the cookie is SameSite=Strict, a request from another origin is refused by its Origin
 * or Sec-Fetch-Site header, and a POST must be `Content-Type: application/json`, which no other
 * origin can send without a CORS preflight this server never grants.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1'
  // A bad allow-list entry throws here, before anything listens.
  hostPolicy(host, 0, options.allowedHosts)
  const token = options.token ?? createToken()
  const log = options.log ?? ((message, details) => console.error(message, details ?? ''))
  const sessions = createBrowserSessions({ codeTtlMs: options.loginCodeTtlMs, now: options.now })
  const clients = new Set<SseClient>()
  // Known once the socket listens, before any request arrives.
  let port = 0
  // Set once listening (the port is known only then); until then nothing is answered.
  let hosts: HostPolicy | null = null
  let origin = ''
  // The transport's one pacing stage: each frame's events leave as one write per client. Every
  // SSE message stays ≤ 64 KB (chunkForPush); one write may carry several, so a stream's
  // throughput is not capped at 64 KB per frame (EventSource parses them one by one).
  const batcher = new EventBatcher(
    (batch) => {
      if (clients.size === 0) return
      const frames = sseFrames(batch)
      for (const client of clients) client.send(frames)
    },
    { maxBytes: SSE_WRITE_MAX_BYTES, maxBacklogBytes: SSE_BACKLOG_MAX_BYTES }
  )
  // With no stream open an event has nobody to reach: it is not sized, queued nor timed.
  const unsubscribe = options.service.subscribe((name, payload) => {
    if (clients.size > 0) batcher.add(name, payload)
  })

  const loginUrl = (): string => `${origin}/login?code=${sessions.issueCode()}`
  const hasSession = (req: IncomingMessage): boolean =>
    sessions.isSession(readCookie(req.headers.cookie, sessionCookieName(port)))

  /** Who sent an /api request, or a failure: the bearer token wins over a cookie when both come. */
  function authenticate(req: IncomingMessage): 'bearer' | 'cookie' {
    const presented = bearerToken(req.headers.authorization)
    if (presented !== null) {
      if (tokenMatches(presented, token)) return 'bearer'
    } else if (hasSession(req)) {
      return 'cookie'
    }
    throw failure('unauthorized', UNAUTHORIZED)
  }

  /** Refuses what another origin's page could make a browser send (see startBrowserServer). */
  function refuseForeign(req: IncomingMessage, via: 'bearer' | 'cookie'): void {
    // A page on another origin could only send simple requests here; refuse them outright.
    const requestOrigin = req.headers.origin
    if (requestOrigin !== undefined && requestOrigin !== `http://${req.headers.host}`) {
      throw failure('forbidden_origin', `Requests from ${requestOrigin} are not accepted.`)
    }
    if (via !== 'cookie') return
    const site = req.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin') {
      throw failure('forbidden_origin', "Only ControlDeck's own page may use its session.")
    }
    if (req.method === 'POST' && !isJsonRequest(req)) {
      throw failure(
        'forbidden_origin',
        'Method calls must be sent as Content-Type: application/json.'
      )
    }
  }

  /** `GET /login?code=…`: a valid code becomes a session cookie, then the shell without the code. */
  function handleLogin(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET')
      throw failure('method_not_allowed', 'Open the sign-in address with GET.')
    const sessionId = sessions.redeem(url.searchParams.get('code'))
    // Opening a spent address again in a browser that is already signed in is not an error.
    if (sessionId === null && !hasSession(req)) {
      res.writeHead(401, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store'
      })
      res.end(SPENT_LOGIN)
      return
    }
    if (sessionId !== null) res.setHeader('Set-Cookie', sessionCookie(port, sessionId))
    // 303: the next request is a plain GET of `/`, and history moves on to the address without a code.
    res.writeHead(303, { Location: '/', 'Cache-Control': 'no-store' })
    res.end()
  }

  /** `POST /login-link`: a new one-time sign-in address for a signed-in caller (script, second browser). */
  function handleLoginLink(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST')
      throw failure('method_not_allowed', 'Ask for a sign-in address with POST.')
    refuseForeign(req, authenticate(req))
    sendJson(res, 200, { ok: true, result: { url: loginUrl() } })
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const isEvents = url.pathname === '/api/events'
    refuseForeign(req, authenticate(req))
    if (isEvents) {
      if (req.method !== 'GET') throw failure('method_not_allowed', 'Use GET for /api/events.')
      const heartbeatMs = options.heartbeatMs ?? SSE_HEARTBEAT_MS
      const client = openSseStream(res, () => clients.delete(client), heartbeatMs)
      clients.add(client)
      return
    }
    if (req.method !== 'POST') throw failure('method_not_allowed', 'Call methods with POST.')
    // Method names are plain identifiers; anything encoded is simply an unknown method.
    const method = url.pathname.slice('/api/'.length)
    const input = await readJsonBody(req)
    try {
      const result = await options.service.invoke(method, input)
      sendJson(res, 200, { ok: true, result })
    } catch (error) {
      sendError(res, toConsoleError(error, log, method))
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    let url = new URL('http://127.0.0.1/')
    try {
      // A page that rebound its own domain name to this address reaches us under that name: refuse
      // it everything, the static files included.
      if (!hosts || !isAllowedHost(req.headers.host, hosts)) {
        const served = origin.slice('http://'.length)
        throw failure(
          'forbidden_host',
          `This server answers only to ${served}, not to the host requested.`
        )
      }
      // Only the path is used; a request target that is not a path is answered as not found.
      url = new URL(req.url?.startsWith('/') ? req.url : '/\0', 'http://127.0.0.1')
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        await handleApi(req, res, url)
        return
      }
      if (url.pathname === '/login') {
        handleLogin(req, res, url)
        return
      }
      if (url.pathname === '/login-link') {
        handleLoginLink(req, res)
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw failure('method_not_allowed', 'Only GET is served outside /api.')
      }
      await serveStatic(req, res, options.rendererDir, url.pathname)
    } catch (error) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (error instanceof HttpFailure) {
        // The request body may be unread (401, 413…): it must not be parsed as the next request
        // on this socket, so the connection ends with this answer.
        res.setHeader('Connection', 'close')
        sendError(res, error.error)
        return
      }
      sendError(res, toConsoleError(error, log, `${req.method} ${url.pathname}`))
    }
  }

  const server = createServer((req, res) => {
    // Last resort: whatever escapes `handle` ends this one exchange, never the process (which, in
    // the desktop app and `serve`, also runs the engine).
    handle(req, res).catch((error: unknown) => {
      log('browser-mode request failed unexpectedly', error)
      res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  hosts = hostPolicy(host, port, options.allowedHosts)
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url: loginUrl(),
    origin,
    port,
    token,
    loginUrl,
    eventStreamCount: () => clients.size,
    async close() {
      unsubscribe()
      batcher.close()
      for (const client of [...clients]) client.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}

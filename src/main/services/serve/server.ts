import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ConsoleError } from '../../../shared/console/errors'
import { parseJsonBounded } from '../../../shared/json-depth'
import { MAX_REQUEST_DEPTH } from '../../../shared/neurorail/limits'
import {
  statusForConsoleError,
  toConsoleError,
  type ConsoleService,
  type ServiceLog
} from '../console-service'
import { SECURITY_HEADERS } from './csp'
import { openSseStream, SSE_HEARTBEAT_MS, type SseClient } from './sse'
import { serveStatic } from './static'
import { createToken, presentedToken, tokenMatches } from './token'

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
  /** Fixed token (tests); a random one per launch otherwise. */
  readonly token?: string
  readonly heartbeatMs?: number
  readonly log?: ServiceLog
}

/** A running browser-mode server. */
export interface BrowserServer {
  /** What to open: the origin plus `/?token=…`. */
  readonly url: string
  /** `http://host:port`, without the token. */
  readonly origin: string
  readonly port: number
  readonly token: string
  /** How many `GET /api/events` streams are open (status display, tests). */
  eventStreamCount(): number
  close(): Promise<void>
}

/** True for the addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\./.test(host)
}

class HttpFailure extends Error {
  constructor(readonly error: ConsoleError) {
    super(error.message)
  }
}

function failure(code: string, message: string): HttpFailure {
  return new HttpFailure({ code, message, retriable: false })
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
  if (parsed.reason === 'malformed') throw failure('invalid_input', 'The request body is not valid JSON.')
  throw failure('invalid_input', `The request body is ${parsed.message}.`)
}

/**
 * Browser mode: the console services behind a loopback HTTP server. `POST /api/<method>` carries a
 * method call (`{ok:true, result}` or `{ok:false, error}`), `GET /api/events` the pushed events as
 * SSE, everything else the built renderer. Every /api request needs the per-launch token.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? createToken()
  const log = options.log ?? ((message, details) => console.error(message, details ?? ''))
  const clients = new Set<SseClient>()
  const unsubscribe = options.service.subscribe((name, payload) => {
    for (const client of clients) client.send(name, payload)
  })

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const isEvents = url.pathname === '/api/events'
    // EventSource cannot send headers, so the event stream alone accepts the token in its URL.
    const presented = presentedToken(req.headers.authorization, url, isEvents)
    if (!tokenMatches(presented, token)) {
      throw failure('unauthorized', 'This request needs the token printed by `controldeck serve`.')
    }
    // A page on another origin could only send simple requests here; refuse them outright.
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      throw failure('forbidden_origin', `Requests from ${origin} are not accepted.`)
    }
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
      // Only the path is used; a request target that is not a path is answered as not found.
      url = new URL(req.url?.startsWith('/') ? req.url : '/\0', 'http://127.0.0.1')
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        await handleApi(req, res, url)
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
    void handle(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    eventStreamCount: () => clients.size,
    async close() {
      unsubscribe()
      for (const client of [...clients]) client.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}

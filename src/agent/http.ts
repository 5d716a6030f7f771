import http from 'node:http'
import https from 'node:https'
import { API_PREFIX } from '../shared/neurorail/http'
import { sleep } from './backoff'
import { CancelledError, errorFromResponse, HttpStatusError, NetworkError } from './errors'

/** The NeuroRail API prefix every route lives under. */
export { API_PREFIX }

/** Options of the SDK's HTTP client. */
export interface HttpClientOptions {
  /** Engine base URL, e.g. `http://127.0.0.1:8787` (with or without the `/api/neurorail/v1` prefix). */
  url: string
  /** Bearer token; omitted from requests when empty. */
  token?: string
  /** Most sockets kept open to the engine (keep-alive). */
  maxSockets?: number
  /** Per-request timeout in ms (a stuck engine must not hang an agent forever). */
  requestTimeoutMs?: number
  /** How often a request refused with 429 is sent again after its Retry-After. Default 5. */
  rateLimitRetries?: number
}

/** Longest wait for one 429 before sending again (a Retry-After beyond it fails the request). */
const MAX_RATE_LIMIT_WAIT_MS = 10_000

/**
 * A tiny JSON-over-HTTP client on node:http with a keep-alive agent. It exists (rather than
 * global fetch) because a governed job makes several small calls, and node:http with reused
 * sockets costs a fraction of fetch's per-request overhead, which is most of the SDK's overhead.
 */
export class HttpClient {
  private readonly base: URL
  private readonly prefix: string
  private readonly agent: http.Agent
  private readonly transport: typeof http | typeof https
  private readonly auth: string | null
  private readonly requestTimeoutMs: number
  private readonly rateLimitRetries: number
  /** Aborted by `close()`: ends 429 waits, and later requests are refused instead of reopening sockets. */
  private readonly closing = new AbortController()

  constructor(options: HttpClientOptions) {
    const base = new URL(options.url)
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(`url must be http: or https:, got ${base.protocol}`)
    }
    this.base = base
    const path = base.pathname.replace(/\/+$/, '')
    this.prefix = path.endsWith(API_PREFIX) ? path : `${path}${API_PREFIX}`
    this.transport = base.protocol === 'https:' ? https : http
    const AgentClass = base.protocol === 'https:' ? https.Agent : http.Agent
    this.agent = new AgentClass({ keepAlive: true, maxSockets: options.maxSockets ?? 64 })
    this.auth = options.token ? `Bearer ${options.token}` : null
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.rateLimitRetries = options.rateLimitRetries ?? 5
  }

  /** GET a route under the API prefix; resolves to the parsed JSON body. */
  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path)
  }

  /** POST JSON to a route under the API prefix; resolves to the parsed JSON body. */
  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body)
  }

  /**
   * Sends one request. Non-2xx answers reject with a GovernanceError (the body's `detail` is a
   * NeuroRail error) or an HttpStatusError; transport failures reject with a NetworkError. A 429
   * is sent again after its Retry-After: the engine refused it before doing anything, so even a
   * transition is safe to repeat, and an agent should slow down rather than fail its job.
   */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    for (let retry = 0; ; retry++) {
      // A destroyed agent would quietly open fresh keep-alive sockets (and keep the process
      // alive) for job loops still running after close(): refuse instead.
      if (this.closing.signal.aborted) throw this.closedError(method, path)
      try {
        return await this.send<T>(method, path, body)
      } catch (err) {
        // close() destroys the sockets of requests still in flight: their "socket hang up" is our
        // own doing, not the network's, and must read as the cancellation it is.
        if (this.closing.signal.aborted) throw this.closedError(method, path, true)
        if (
          !(err instanceof HttpStatusError) ||
          err.status !== 429 ||
          retry >= this.rateLimitRetries
        )
          throw err
        const wait = err.retryAfterMs ?? 1000
        if (wait > MAX_RATE_LIMIT_WAIT_MS) throw err
        try {
          await sleep(wait, this.closing.signal)
        } catch {
          throw this.closedError(method, path)
        }
      }
    }
  }

  private closedError(method: string, path: string, inFlight = false): CancelledError {
    return new CancelledError(
      `${method} ${path} ${inFlight ? 'was cut off' : 'was not sent'}: the agent is closed.`
    )
  }

  private send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const headers: Record<string, string | number> = { accept: 'application/json' }
    if (this.auth) headers.authorization = this.auth
    if (payload) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = payload.length
    }
    return new Promise<T>((resolve, reject) => {
      const req = this.transport.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method,
          path: `${this.prefix}${path}`,
          headers,
          agent: this.agent,
          timeout: this.requestTimeoutMs
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', (err) => reject(new NetworkError('network_error', err.message, true)))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let parsed: unknown = text
            if (text.length > 0) {
              try {
                parsed = JSON.parse(text)
              } catch {
                // Plain-text bodies (BRAiN's uncaught 500s) stay strings.
              }
            }
            const status = res.statusCode ?? 0
            if (status >= 200 && status < 300) {
              resolve(parsed as T)
              return
            }
            reject(
              errorFromResponse(
                status,
                parsed,
                method,
                path,
                retryAfterMs(res.headers['retry-after'])
              )
            )
          })
        }
      )
      req.on('timeout', () =>
        req.destroy(new Error(`no answer within ${this.requestTimeoutMs} ms`))
      )
      req.on('error', (err) =>
        reject(
          new NetworkError('network_error', `${method} ${path}: ${err.message}`, true, {
            url: this.base.origin
          })
        )
      )
      req.end(payload)
    })
  }

  /**
   * Closes the kept-alive sockets so the process can exit. Requests waiting out a 429 and any
   * made afterwards reject with a CancelledError.
   */
  close(): void {
    this.closing.abort()
    this.agent.destroy()
  }
}

/** `Retry-After` as ms (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now())
}

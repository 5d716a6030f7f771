import { backoffDelay } from '../../../shared/backoff'
import type { z } from 'zod'
import { parseJsonCapped } from '../../../shared/json-depth'
import { MAX_RESPONSE_DEPTH } from '../../../shared/neurorail/limits'
import { BackendError, isBackendError, oneLine } from './backend-error'
import { retryAfterMs } from '../../../agent/http'
import { errorFromFetchFailure, errorFromOkBody, errorFromResponse } from './map-error'
import { credentialOf, redactSecrets, redactValue } from './redact'

/** Supplies the Authorization header of each request; `invalidate` is called after a 401. */
export interface AuthProvider {
  /** `Bearer …` or null for none. May log in or refresh first. */
  authorization(): Promise<string | null>
  /** The backend answered 401 with the current token: drop it so the next call logs in again. */
  invalidate?(): void
}

export interface HttpOptions {
  /** Per-attempt timeout. */
  timeoutMs?: number
  /** Extra attempts for idempotent reads on network failures, timeouts and 502–504. */
  retries?: number
  /** First backoff delay; doubles each retry, with ±50 % jitter. */
  backoffMs?: number
  /** Largest body accepted; a bigger one is refused as bad_response rather than buffered. */
  maxBodyBytes?: number
  /** Times an idempotent request refused with 429 is sent again after its Retry-After. */
  rateLimitRetries?: number
  /** Longest Retry-After waited out; a backend asking for more fails the request at once. */
  maxRetryAfterMs?: number
  /**
   * Aborting it cancels every request in flight (and its retry waits) and refuses new ones: the
   * owner closed (an environment session), so nothing waits on a backend that does not answer.
   */
  signal?: AbortSignal
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE'
  /** Path under the base URL, starting with `/`. */
  path: string
  query?: Record<string, string | number | boolean | string[] | null | undefined>
  body?: unknown
  /** Reads are retried with backoff; writes never (a retried POST could act twice). */
  idempotent?: boolean
  /** Response is text (Prometheus metrics) rather than JSON. */
  text?: boolean
  /**
   * Secrets in this request besides its Authorization header (a password in a login body): a
   * failed answer that repeats one has it replaced before anything reads the answer.
   */
  secrets?: ReadonlyArray<string | null | undefined>
}

/** How long after an unreachable answer reads go without retries. */
const UNREACHABLE_MEMORY_MS = 5_000

const DEFAULTS: Required<Omit<HttpOptions, 'signal'>> = {
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 250,
  maxBodyBytes: 32 * 1024 * 1024,
  rateLimitRetries: 3,
  maxRetryAfterMs: 10_000
}

/**
 * JSON over HTTP against one base URL: timeouts, bounded bodies, retries with backoff for
 * idempotent reads only, and every failure mapped to one BackendError.
 */
export class HttpTransport {
  private readonly options: Required<Omit<HttpOptions, 'signal'>>
  private readonly signal: AbortSignal | null
  /** When a request last found the backend unreachable (epoch ms; 0 = not recently). */
  private unreachableAt = 0

  constructor(
    readonly baseUrl: string,
    private readonly auth: AuthProvider | null,
    options: HttpOptions = {}
  ) {
    const { signal, ...rest } = options
    this.options = { ...DEFAULTS, ...rest }
    this.signal = signal ?? null
  }

  /** Sends a request and parses a 2xx JSON body with `schema`. */
  async json<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    const body = await this.send(spec)
    const what = `${spec.method} ${spec.path}`
    const okError = errorFromOkBody(body, what)
    if (okError) throw okError
    const parsed = schema.safeParse(body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue && issue.path.length > 0 ? `${issue.path.slice(0, 6).join('.')}: ` : ''
      throw new BackendError({
        code: 'bad_response',
        status: 200,
        message: `The backend's answer to ${what} did not have the expected shape (${oneLine(`${where}${issue?.message ?? 'invalid'}`, 200)})`
      })
    }
    return parsed.data
  }

  /** Sends a request and returns the text body (2xx only). */
  async text(spec: RequestSpec): Promise<string> {
    const result = await this.send({ ...spec, text: true })
    return typeof result === 'string' ? result : JSON.stringify(result)
  }

  /**
   * Sends with retries; returns the parsed JSON body (or text when `spec.text`) of a 2xx answer.
   * An idempotent request refused with 429 is sent again after the Retry-After the backend asked
   * for (bounded: `rateLimitRetries` times, each wait at most `maxRetryAfterMs`); a write is not,
   * since a backend other than ours may have acted on it.
   */
  async send(spec: RequestSpec): Promise<unknown> {
    const idempotent = spec.idempotent ?? spec.method === 'GET'
    for (let limited = 0; ; limited++) {
      try {
        return await this.sendWithRetries(spec, idempotent)
      } catch (error) {
        const wait = idempotent ? this.rateLimitWait(error, limited) : null
        if (wait === null) throw error
        await sleep(wait, this.signal)
      }
    }
  }

  /** How long to wait before sending a request refused with 429 again; null: give up now. */
  private rateLimitWait(error: unknown, limited: number): number | null {
    if (
      !isBackendError(error) ||
      error.code !== 'rate_limited' ||
      limited >= this.options.rateLimitRetries
    )
      return null
    const wait = error.retryAfterMs ?? backoff(this.options.backoffMs, limited + 1)
    return wait <= this.options.maxRetryAfterMs ? wait : null
  }

  private async sendWithRetries(spec: RequestSpec, idempotent: boolean): Promise<unknown> {
    // Retries ride out a blip; against a backend that was just found unreachable they only make
    // every read wait before the cache answers, so they are skipped for a while.
    const recentlyDown = Date.now() - this.unreachableAt < UNREACHABLE_MEMORY_MS
    const attempts = idempotent && !recentlyDown ? this.options.retries + 1 : 1
    let lastError: unknown
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(backoff(this.options.backoffMs, attempt), this.signal)
      try {
        const body = await this.once(spec)
        this.unreachableAt = 0
        return body
      } catch (error) {
        lastError = error
        if (isBackendError(error) && (error.code === 'network' || error.code === 'timeout'))
          this.unreachableAt = Date.now()
        // A 429 names its own wait (send): blind backoff would only hit the limit again.
        if (!isBackendError(error) || !error.retriable || error.code === 'rate_limited') throw error
      }
    }
    throw lastError
  }

  private async once(spec: RequestSpec): Promise<unknown> {
    const url = this.url(spec)
    const what = `${spec.method} ${spec.path}`
    if (this.signal?.aborted) throw cancelled(url)
    const headers: Record<string, string> = {
      accept: spec.text ? 'text/plain, */*' : 'application/json'
    }
    const authorization = this.auth ? await this.auth.authorization() : null
    if (authorization) headers.authorization = authorization
    if (this.signal?.aborted) throw cancelled(url)
    const timeout = AbortSignal.timeout(this.options.timeoutMs)
    let payload: string | undefined
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(spec.body)
    }
    let response: Response
    try {
      response = await fetch(url, {
        method: spec.method,
        headers,
        body: payload,
        signal: this.signal ? AbortSignal.any([timeout, this.signal]) : timeout,
        redirect: 'follow'
      })
    } catch (error) {
      throw this.signal?.aborted
        ? cancelled(url)
        : errorFromFetchFailure(error, url, this.options.timeoutMs)
    }
    let raw: string
    try {
      raw = await readBounded(response, this.options.maxBodyBytes)
    } catch (error) {
      if (isBackendError(error)) throw error
      throw this.signal?.aborted
        ? cancelled(url)
        : errorFromFetchFailure(error, url, this.options.timeoutMs)
    }
    const isJson = /json/i.test(response.headers.get('content-type') ?? '') || /^\s*[[{"]/.test(raw)
    let body: unknown = raw
    if (isJson && !(spec.text && response.ok)) {
      // Depth-capped: everything after this (zod, caches, IPC, the renderer) recurses over it.
      // Parts nested deeper are replaced by a marker rather than the answer refused, so one
      // hostile row does not hide a whole page of good ones.
      const parsed =
        raw.length === 0
          ? ({ ok: true, value: null } as const)
          : parseJsonCapped(raw, MAX_RESPONSE_DEPTH)
      if (parsed.ok) body = parsed.value
      else if (response.ok) {
        throw new BackendError({
          code: 'bad_response',
          status: response.status,
          message: `The backend's answer to ${what} is not valid JSON`
        })
      } else {
        body = raw
      }
    }
    if (!response.ok) {
      if (response.status === 401) this.auth?.invalidate?.()
      const clean = this.withoutSecrets(body, authorization, spec)
      if (response.status === 429)
        throw rateLimited(errorFromResponse(response.status, clean, what), response)
      throw errorFromResponse(response.status, clean, what)
    }
    // BRAiN's `{error}` with 200 is a failure too: json() turns it into an error message.
    return errorFromOkBody(body, what) ? this.withoutSecrets(body, authorization, spec) : body
  }

  /**
   * A failed answer without the secrets the request carried (its message becomes an error the
   * renderer and the log see). Only failures: a successful answer's data is never rewritten
   * (a short password could otherwise alter the tokens of a login answer).
   */
  private withoutSecrets(body: unknown, authorization: string | null, spec: RequestSpec): unknown {
    const secrets = [
      authorization,
      authorization ? credentialOf(authorization) : null,
      ...(spec.secrets ?? [])
    ]
    return typeof body === 'string' ? redactSecrets(body, secrets) : redactValue(body, secrets)
  }

  private url(spec: RequestSpec): string {
    const url = new URL(this.baseUrl + spec.path)
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined || value === null) continue
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v)
      else url.searchParams.set(key, String(value))
    }
    return url.toString()
  }
}

/** Reads a body up to `max` bytes; a larger one is cancelled and refused instead of buffered. */
async function readBounded(response: Response, max: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge(max)
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(max)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** A 429's error with the wait its Retry-After asks for (seconds or an HTTP date), said in words too. */
function rateLimited(error: BackendError, response: Response): BackendError {
  const wait = retryAfterMs(response.headers.get('retry-after') ?? undefined)
  if (wait === null) return error
  return new BackendError({
    code: error.code,
    status: error.status,
    retriable: error.retriable,
    details: error.details,
    retryAfterMs: wait,
    message: `${error.message} (it asks to retry after ${Math.ceil(wait / 1000)} s)`
  })
}

function tooLarge(max: number): BackendError {
  return new BackendError({
    code: 'bad_response',
    message: `The backend's answer is larger than ${Math.round(max / 1024 / 1024)} MB and was refused`
  })
}

/** Retry `attempt` (1 = the first) of a read: the shared backoff from `base`, at most 30 s. */
function backoff(base: number, attempt: number): number {
  return backoffDelay(attempt - 1, { baseDelayMs: base, maxDelayMs: 30_000 })
}

/** The failure of a request whose owner closed: final, never retried. */
function cancelled(url: string): BackendError {
  return new BackendError({
    code: 'network',
    retriable: false,
    message: `The request to ${new URL(url).origin} was cancelled: its environment session closed`
  })
}

/** Waits `ms`, or less once `signal` aborts (the next attempt then fails as cancelled). */
function sleep(ms: number, signal: AbortSignal | null = null): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

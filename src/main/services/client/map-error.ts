import type { NeuroRailErrorCode } from '../../../shared/console/errors'
import { BackendError, oneLine } from './backend-error'

/**
 * The real backend's history and audit reads fail with this once a row has JSON metadata
 * (neurorail-api.md §0.6): the driver already decoded the column and the service decodes it again.
 */
const JSON_OBJECT_BUG = /the JSON object must be str, bytes or bytearray/i

/** BRAiN's trace route swallows its own 404 into a 500: `Failed to get trace chain: 404: …`. */
const SWALLOWED_NOT_FOUND = /\b404\b[:\s].*not found/i

/** Text of a FastAPI `detail` (string, NR-E object, or 422 list) for one readable line. */
export function detailText(detail: unknown): string | null {
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) {
    // 422: pydantic v2 [{type, loc, msg, input}] or v1 [{loc, msg, type}] — both have loc and msg.
    const parts = detail.slice(0, 3).map((issue) => {
      if (typeof issue !== 'object' || issue === null) return String(issue)
      const { loc, msg } = issue as { loc?: unknown; msg?: unknown }
      const where = Array.isArray(loc) ? loc.filter((p) => p !== 'body').join('.') : ''
      return where ? `${where}: ${String(msg)}` : String(msg)
    })
    return parts.join('; ')
  }
  if (typeof detail === 'object' && detail !== null) {
    const { message, error, reason } = detail as {
      message?: unknown
      error?: unknown
      reason?: unknown
    }
    if (typeof message === 'string') return message
    if (typeof error === 'string') return typeof reason === 'string' ? `${error}: ${reason}` : error
  }
  return null
}

/**
 * Proxies and load balancers answer with HTML pages (502 Bad Gateway…): their <title> is the
 * readable part; the markup is never shown. Null when the text is not HTML.
 */
function htmlTitle(raw: string): string | null {
  if (!/^\s*</.test(raw)) return raw
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(raw)?.[1]
  return title ? title.trim() : 'an HTML error page'
}

/** The NR-E code inside a lifecycle 400 detail (`{code: "NR-E301", …}`), if any. */
function nrCode(detail: unknown): NeuroRailErrorCode | null {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return null
  const code = (detail as { code?: unknown }).code
  return typeof code === 'string' && /^NR-E\d{3}$/.test(code) ? (code as NeuroRailErrorCode) : null
}

/**
 * Maps a non-2xx response (status + parsed JSON body, or the raw text when not JSON) to one BackendError with a
 * sentence. `what` names the call for the sentence ("GET /identity/job/j_…").
 */
export function errorFromResponse(status: number, body: unknown, what: string): BackendError {
  const detail =
    typeof body === 'object' && body !== null && 'detail' in body
      ? (body as { detail: unknown }).detail
      : undefined
  const fromBody = typeof body === 'string' ? htmlTitle(body) : detailText(body)
  const text = oneLine(detailText(detail) ?? fromBody ?? '')
  const suffix = text ? `: ${text}` : ''

  if (JSON_OBJECT_BUG.test(text)) {
    return new BackendError({
      code: 'backend_bug',
      status,
      message: 'The backend cannot return this history (known BRAiN bug)',
      details: { backendMessage: text }
    })
  }
  if (status === 500 && SWALLOWED_NOT_FOUND.test(text)) {
    return new BackendError({
      code: 'not_found',
      status: 404,
      message: text.replace(/^.*?\b404\b[:\s]*/, '') || 'Not found'
    })
  }
  const code = nrCode(detail)
  if (code) {
    return new BackendError({ code, status, message: text || code, details: detail })
  }
  switch (status) {
    case 400:
      return new BackendError({
        code: 'invalid_request',
        status,
        message: `The backend refused ${what}${suffix}`
      })
    case 401:
      return new BackendError({
        code: 'unauthorized',
        status,
        message: `The backend needs a valid credential for this environment${suffix}`
      })
    case 403:
      return new BackendError({
        code: 'forbidden',
        status,
        message: `This credential may not do that${suffix}`,
        details: detail
      })
    case 404:
      return new BackendError({ code: 'not_found', status, message: text || `Not found: ${what}` })
    case 409:
      return new BackendError({ code: 'conflict', status, message: text || `Conflict on ${what}` })
    case 422:
      return new BackendError({
        code: 'invalid_request',
        status,
        message: `The backend rejected the input of ${what}${suffix}`,
        details: detail
      })
    case 429:
      return new BackendError({
        code: 'rate_limited',
        status,
        retriable: true,
        message: `The backend is rate limiting requests${suffix}`
      })
    case 502:
    case 503:
    case 504:
      return new BackendError({
        code: 'network',
        status,
        retriable: true,
        message: `The backend is unavailable (HTTP ${status})${suffix}`
      })
    default:
      return new BackendError({
        code: status >= 500 ? 'server_error' : 'invalid_request',
        status,
        message: `The backend failed on ${what} (HTTP ${status})${suffix}`
      })
  }
}

/**
 * BRAiN answers some failures with 200 and `{error: "…"}` (stream publish, rbac). A body that is
 * an object with a string `error` and nothing that a success body would carry is such a failure.
 */
export function errorFromOkBody(body: unknown, what: string): BackendError | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null
  const { error } = body as { error?: unknown }
  if (typeof error !== 'string') return null
  const keys = Object.keys(body)
  if (keys.some((k) => k !== 'error' && k !== 'detail' && k !== 'success')) return null
  return new BackendError({
    code: 'backend_error',
    status: 200,
    message: `The backend refused ${what}: ${oneLine(error)}`
  })
}

/** Maps a fetch() rejection (refused, DNS, reset, abort by timeout) to a BackendError. */
export function errorFromFetchFailure(
  error: unknown,
  url: string,
  timeoutMs: number
): BackendError {
  const name = (error as { name?: unknown })?.name
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new BackendError({
      code: 'timeout',
      retriable: true,
      message: `The backend at ${originOf(url)} did not answer within ${Math.round(timeoutMs / 100) / 10} s`
    })
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause
  const why =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string'
        ? cause.message
        : String(error)
  return new BackendError({
    code: 'network',
    retriable: true,
    message: `The backend at ${originOf(url)} is not reachable (${oneLine(why, 120)})`
  })
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

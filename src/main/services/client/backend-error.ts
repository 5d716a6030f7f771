import type {
  ConsoleError,
  ConsoleErrorCode,
  NeuroRailErrorCode
} from '../../../shared/console/errors'

/**
 * Stable codes of BackendError. `not_found` also covers the real backend's not-found-as-500;
 * `backend_bug` is a known BRAiN defect (history/audit JSON parsing) that retrying cannot fix;
 * `not_supported` = the backend lacks the route (BRAiN baseline without our extensions).
 */
export type BackendErrorCode =
  | 'network'
  | 'timeout'
  | Extract<
      ConsoleErrorCode,
      | 'unauthorized'
      | 'forbidden'
      | 'not_found'
      | 'invalid_request'
      | 'conflict'
      | 'server_error'
      | 'backend_bug'
      | 'backend_error'
      | 'bad_response'
      | 'not_supported'
      | 'rate_limited'
      | NeuroRailErrorCode
    >

/** Everything that can go wrong talking to a backend, as one shape the UI shows as a sentence. */
export class BackendError extends Error {
  readonly isBackendError = true
  readonly status: number | null
  readonly code: BackendErrorCode
  readonly retriable: boolean
  readonly details: unknown
  /** For `rate_limited`: the wait the backend asked for (its Retry-After) in ms, when it said. */
  readonly retryAfterMs: number | null

  constructor(options: {
    code: BackendErrorCode
    message: string
    status?: number | null
    retriable?: boolean
    details?: unknown
    retryAfterMs?: number | null
  }) {
    super(options.message)
    this.name = 'BackendError'
    this.code = options.code
    this.status = options.status ?? null
    this.retriable = options.retriable ?? false
    this.details = options.details
    this.retryAfterMs = options.retryAfterMs ?? null
  }

  /** The transport shape (ConsoleError); `backend_unavailable` groups network and timeout failures. */
  toConsoleError(): ConsoleError {
    const code =
      this.code === 'network' || this.code === 'timeout' ? 'backend_unavailable' : this.code
    return {
      code,
      message: this.message,
      ...(this.status === null ? {} : { status: this.status }),
      retriable: this.retriable,
      ...(this.details === undefined ? {} : { details: this.details })
    }
  }
}

/** Brand check that works across bundles where instanceof does not. */
export function isBackendError(value: unknown): value is BackendError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { isBackendError?: unknown }).isBackendError === true
  )
}

/** True for failures where the backend could not be reached at all (serve the cache instead). */
export function isUnreachable(error: unknown): boolean {
  return isBackendError(error) && (error.code === 'network' || error.code === 'timeout')
}

/** Control characters (terminal escapes), zero-width marks and bidi overrides. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e]+/g

/**
 * Makes backend-supplied text safe to show as one line: no control characters (terminal escapes),
 * collapsed whitespace, bounded length. Markup such as `<script>` stays text: renderers never
 * interpret it as HTML.
 */
export function oneLine(text: string, max = 300): string {
  const clean = text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

import type { ConsoleApi } from '../../../../shared/console/api'
import { isConsoleErrorCode, type ConsoleErrorCode } from '../../../../shared/console/errors'
import { getConsoleApi } from '../../api'

let instance: ConsoleApi | null = null

/**
 * The ConsoleApi of this window (Electron preload or browser-mode HTTP client; the renderer never
 * knows which). Resolved once, lazily, so importing a page never touches the transport.
 */
export function api(): ConsoleApi {
  instance ??= getConsoleApi()
  return instance
}

/**
 * A sentence for a person from whatever a ConsoleApi call rejected with. Failures cross the
 * transports as `{code, message}` (ConsoleErrorSchema); anything else falls back to its text.
 */
export function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error
  if (typeof error === 'object' && error !== null) {
    const e = error as { message?: unknown; error?: { message?: unknown } }
    if (e.error && typeof e.error.message === 'string') return e.error.message
    if (typeof e.message === 'string' && e.message) return e.message
  }
  return 'Something went wrong, and the console was not told why.'
}

/** The stable `code` of a ConsoleError, if the rejection carried one. */
export function errorCode(error: unknown): ConsoleErrorCode | null {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; error?: { code?: unknown } }
    if (e.error && isConsoleErrorCode(e.error.code)) return e.error.code
    if (isConsoleErrorCode(e.code)) return e.code
  }
  return null
}

import { z } from 'zod'
import { hasBrand } from '../brand'
import { ERROR_CODE_PATTERN } from '../neurorail/errors'

/**
 * Every stable `code` a ConsoleError may carry, with the HTTP status browser mode answers it with.
 * Transport-level failures (the call itself was refused) get their status; failures of the
 * operation get 200, as JSON-RPC does: the transport worked and the `{ok:false, error}` body says
 * what happened (it also keeps browsers from logging every expected failure as a failed load).
 * One table, so a code nobody declared does not compile anywhere a ConsoleError is built.
 */
export const CONSOLE_ERROR_CODES = {
  // The call was refused before any operation ran.
  invalid_input: 400,
  unauthorized: 401,
  forbidden_origin: 403,
  forbidden_host: 403,
  forbidden_sender: 403,
  unknown_method: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  internal: 500,
  not_implemented: 501,
  /** The renderer could not reach the main side at all (set by the renderer's transports). */
  transport_failed: 200,
  // The operation failed; the transport worked.
  read_only: 200,
  no_environment: 200,
  no_engine: 200,
  unavailable: 200,
  too_many_subscriptions: 200,
  too_many_runs: 200,
  not_found: 200,
  conflict: 200,
  // What the backend answered (BackendError); network and timeout arrive as backend_unavailable.
  backend_unavailable: 200,
  invalid_request: 200,
  forbidden: 200,
  rate_limited: 200,
  server_error: 200,
  backend_bug: 200,
  backend_error: 200,
  bad_response: 200,
  not_supported: 200,
  /** installUpdate without a downloaded update waiting. */
  update_not_ready: 200,
  /** An incident bundle file that is not one, or not one this version reads. */
  invalid_bundle: 200,
  /** Input over a size the operation accepts (an incident bundle over 1 MB). */
  too_large: 200
} as const satisfies Record<string, number>

/** A NeuroRail error code the backend sent (`NR-E301`), passed through unchanged. */
export type NeuroRailErrorCode = `NR-E${number}`

/** The one vocabulary of failure codes (see CONSOLE_ERROR_CODES). */
export type ConsoleErrorCode = keyof typeof CONSOLE_ERROR_CODES | NeuroRailErrorCode

/** Whether `value` is a code of the vocabulary (for codes read from the wire). */
export function isConsoleErrorCode(value: unknown): value is ConsoleErrorCode {
  return (
    typeof value === 'string' &&
    (Object.prototype.hasOwnProperty.call(CONSOLE_ERROR_CODES, value) ||
      ERROR_CODE_PATTERN.test(value))
  )
}

/** HTTP status browser mode answers a failure with (200 for failures of the operation). */
export function statusForConsoleErrorCode(code: ConsoleErrorCode): number {
  return Object.prototype.hasOwnProperty.call(CONSOLE_ERROR_CODES, code)
    ? CONSOLE_ERROR_CODES[code as keyof typeof CONSOLE_ERROR_CODES]
    : 200
}

/**
 * The one shape a failure takes when it crosses a transport (IPC or browser mode).
 * `message` is a sentence a person can read; `code` is stable for programs (ConsoleErrorCode).
 */
export const ConsoleErrorSchema = z.object({
  code: z.custom<ConsoleErrorCode>(isConsoleErrorCode, 'unknown error code'),
  message: z.string(),
  status: z.number().int().optional(),
  retriable: z.boolean().default(false),
  details: z.unknown().optional()
})
export type ConsoleError = z.infer<typeof ConsoleErrorSchema>

/** An Error that carries a ConsoleError across the main side until a transport serializes it. */
export class ConsoleFailure extends Error {
  readonly isConsoleFailure = true
  constructor(readonly error: ConsoleError) {
    super(error.message)
    this.name = 'ConsoleFailure'
  }
}

/** Brand check that works across bundles where instanceof does not. */
export function isConsoleFailure(value: unknown): value is ConsoleFailure {
  return hasBrand(value, 'isConsoleFailure')
}

/**
 * The schema's messages as one sentence a person can read ("Base URL must be …; name: Too long"):
 * each issue's message, prefixed with its field path when the message does not already start there.
 */
export function describeInvalidInput(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>
): string {
  const parts = issues.map((issue) => {
    const field = issue.path.map(String).join('.')
    return field && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message
  })
  return parts.length ? parts.join('; ') : 'The input is not valid.'
}

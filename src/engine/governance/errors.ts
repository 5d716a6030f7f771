import { makeNeuroRailError, type NeuroRailError, type NeuroRailErrorCode } from '../../shared/neurorail'

/**
 * A governance refusal: one NeuroRail error (API §5) plus the HTTP status it maps to. Services
 * throw it; the routes and lifecycle guard turn it into `{detail: <NeuroRailError>}`. The brand
 * field makes `isGovernanceError` work across bundles where `instanceof` fails.
 */
export class GovernanceError extends Error {
  readonly isGovernanceError = true
  readonly error: NeuroRailError
  /** When set, the refusal ends by itself after this long (sent as a `Retry-After` header). */
  retryAfterMs: number | null = null

  constructor(
    readonly status: number,
    code: NeuroRailErrorCode,
    message?: string,
    details: Record<string, unknown> = {}
  ) {
    const error = makeNeuroRailError(code, message, details)
    super(`${code}: ${error.message}`)
    this.name = 'GovernanceError'
    this.error = error
  }

  /** Sets `retryAfterMs` and returns this, for one-expression throws. */
  retryAfter(ms: number): this {
    this.retryAfterMs = Math.max(0, ms)
    return this
  }

  /** The NR error code (`NR-E…`). */
  get code(): string {
    return this.error.code
  }
}

/** Type guard for GovernanceError. */
export function isGovernanceError(err: unknown): err is GovernanceError {
  return (
    typeof err === 'object' && err !== null && (err as { isGovernanceError?: unknown }).isGovernanceError === true
  )
}

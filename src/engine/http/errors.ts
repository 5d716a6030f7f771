import type { NeuroRailErrorCode } from '../../shared/neurorail'
import { hasBrand, isDomainError, type DomainError, type EngineErrorCode } from '../errors'

/**
 * An error that maps to one HTTP response in FastAPI's shape: `{detail}` where detail is a string,
 * an object (NR-E301, 403) or a list (422). Only the edge (http/, routes/) throws it; domain services throw a `DomainError`, mapped here.
 * The brand field lets `isHttpError` work across bundles where `instanceof` fails.
 */
export class HttpError extends Error {
  readonly isHttpError = true
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {}
  ) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`)
    this.name = 'HttpError'
  }
}

/** Type guard for HttpError. */
export function isHttpError(err: unknown): err is HttpError {
  return hasBrand(err, 'isHttpError')
}

/**
 * The one table from a domain error's code to its HTTP status. NR codes not listed are refusals
 * of the request in the entity's current state (409); an unknown code (a guard's own) too.
 */
export const DOMAIN_STATUS: Readonly<Record<EngineErrorCode, number>> &
  Readonly<Partial<Record<NeuroRailErrorCode, number>>> = {
  not_found: 404,
  unknown_reference: 400,
  bad_request: 400,
  invalid_input: 422,
  state_conflict: 409,
  // Invalid lifecycle transition: the real backend's 400 with an object detail.
  'NR-E301': 400,
  // Manifest failed schema validation.
  'NR-E111': 422,
  // Too many at once: retriable.
  'NR-E102': 429,
  // Open circuit: the upstream is considered unavailable (Retry-After set).
  'NR-E140': 503,
  // A reflex action failed inside the engine.
  'NR-E142': 500
}

/** Status of a domain error code (see {@link DOMAIN_STATUS}). */
export function statusOf(code: string): number {
  return (DOMAIN_STATUS as Record<string, number | undefined>)[code] ?? 409
}

/** The HTTP answer of a domain error: its status, `{detail}`, and `Retry-After` when it ends by itself. */
export function domainToHttp(err: DomainError): HttpError {
  const headers: Record<string, string> = {}
  if (err.retryAfterMs !== null)
    headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)))
  return new HttpError(statusOf(err.code), err.detail, headers)
}

/** An HttpError as is, a domain error mapped by the table, anything else null (a 500). */
export function asHttpError(err: unknown): HttpError | null {
  if (isHttpError(err)) return err
  if (isDomainError(err)) return domainToHttp(err)
  return null
}

import { makeNeuroRailError, type NeuroRailErrorCode } from '../shared/neurorail'

/**
 * Stable codes of the engine's own refusals that are not NeuroRail errors. The HTTP edge maps
 * each (and each NR code) to a status from one table (`src/engine/http/errors.ts`); nothing below
 * the edge knows a status.
 */
export type EngineErrorCode =
  /** The entity (or view) asked for does not exist. */
  | 'not_found'
  /** The request names another entity that does not exist (a parent, a dependency). */
  | 'unknown_reference'
  /** A request value the engine cannot read (a forged cursor, an unknown entity type). */
  | 'bad_request'
  /** Input failed validation; `detail` is the list of issues (see `./validation-issues`). */
  | 'invalid_input'
  /** The request conflicts with the entity's current state. */
  | 'state_conflict'

/** A domain error's code: one of the engine's own or a NeuroRail code (`NR-E…`, API §5). */
export type DomainErrorCode = EngineErrorCode | NeuroRailErrorCode

/**
 * A refusal raised by a domain service: a stable code and the detail a client reads (a sentence,
 * a NeuroRail error object or a list of validation issues), never a transport status. The brand
 * field lets `isDomainError` work across bundles where `instanceof` fails.
 */
export class DomainError extends Error {
  readonly isDomainError = true
  /** When set, the refusal ends by itself after this long (HTTP: `Retry-After`). */
  retryAfterMs: number | null = null

  constructor(
    readonly code: DomainErrorCode | (string & {}),
    readonly detail: unknown
  ) {
    super(typeof detail === 'string' ? detail : `${code}`)
    this.name = 'DomainError'
  }

  /** Sets `retryAfterMs` and returns this, for one-expression throws. */
  retryAfter(ms: number): this {
    this.retryAfterMs = Math.max(0, ms)
    return this
  }
}

/**
 * True when `value` is an object whose `brand` field is `true`: the engine's error guards, which
 * must work across bundles where `instanceof` fails (two copies of a class).
 */
export function hasBrand(value: unknown, brand: string): boolean {
  return typeof value === 'object' && value !== null && Reflect.get(value, brand) === true
}

/** Type guard for DomainError (and its subclasses). */
export function isDomainError(err: unknown): err is DomainError {
  return hasBrand(err, 'isDomainError')
}

/** `<Type> <id> not found`, the real backend's wording. */
export function notFound(message: string): DomainError {
  return new DomainError('not_found', message)
}

/** A referenced entity is missing (the real backend answers these with 400, not 404). */
export function unknownReference(message: string): DomainError {
  return new DomainError('unknown_reference', message)
}

/** A value the engine cannot read. */
export function badRequest(message: string): DomainError {
  return new DomainError('bad_request', message)
}

/** A NeuroRail refusal (`{detail: <NeuroRailError>}` on the wire). */
export function nrError(
  code: NeuroRailErrorCode,
  message?: string,
  details: Record<string, unknown> = {}
): DomainError {
  return new DomainError(code, makeNeuroRailError(code, message, details))
}

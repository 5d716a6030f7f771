import { hasBrand } from '../shared/brand'
import { ERROR_CODES, NeuroRailErrorSchema, type NeuroRailError } from '../shared/neurorail'

/**
 * Base class of every error the SDK throws. `code` is an `NR-E…` code for governance outcomes,
 * or one of `http_error`, `network_error`, `bad_response`, `cancelled`, `invalid_argument`.
 * The brand field makes `isControlDeckError` work across bundles where `instanceof` fails.
 */
export class ControlDeckError extends Error {
  readonly isControlDeckError = true
  constructor(
    readonly code: string,
    message: string,
    /** Whether trying the same thing again later may succeed. */
    readonly retriable: boolean,
    readonly details: Record<string, unknown> = {}
  ) {
    super(message)
    this.name = 'ControlDeckError'
  }
}

/** True for any error the SDK threw. */
export function isControlDeckError(value: unknown): value is ControlDeckError {
  return hasBrand(value, 'isControlDeckError')
}

/**
 * A refusal or outcome decided by governance, carrying the NeuroRail error object
 * (`{code, category, retriable, severity, message, details}`). Raised when the engine refuses a
 * call (its verdict is authoritative) and when the SDK enforces a budget on its own side.
 */
export class GovernanceError extends ControlDeckError {
  /** The serialized NeuroRail error, as the engine sent it or as the SDK built it. */
  readonly error: NeuroRailError
  /** HTTP status of the refusal; null when the SDK decided on its own (timeout, tokens). */
  readonly status: number | null
  /** The engine's `Retry-After`, in ms, when it said how long the refusal lasts. */
  readonly retryAfterMs: number | null

  constructor(
    error: NeuroRailError,
    status: number | null = null,
    retryAfterMs: number | null = null
  ) {
    super(error.code, `${error.code}: ${error.message}`, error.retriable, error.details)
    this.name = 'GovernanceError'
    this.error = error
    this.status = status
    this.retryAfterMs = retryAfterMs
  }
}

/** NR-E140 / NR-E300: the circuit breaker is open; retriable after its recovery timeout. */
export class CircuitOpenError extends GovernanceError {
  override readonly name = 'CircuitOpenError'
}
/** NR-E006: the job is suspended or throttled until its reflex cooldown ends. */
export class CooldownError extends GovernanceError {
  override readonly name = 'CooldownError'
}
/** NR-E102: too many concurrent attempts (per job or global); retriable. */
export class ParallelismError extends GovernanceError {
  override readonly name = 'ParallelismError'
}
/** NR-E100 / NR-E001: the attempt ran past its budget's `timeout_ms`; the job ends in `timeout`. */
export class BudgetTimeoutError extends GovernanceError {
  override readonly name = 'BudgetTimeoutError'
}
/** NR-E101 / NR-E003: `max_retries` used up; `cause` is the last attempt's error. */
export class RetryExhaustedError extends GovernanceError {
  override readonly name = 'RetryExhaustedError'
}
/** NR-E103 (cost) / NR-E104 (tokens) / NR-E002: the job consumed more than its budget allows. */
export class BudgetExceededError extends GovernanceError {
  override readonly name = 'BudgetExceededError'
}
/** NR-E301: the lifecycle state machine refused a transition (someone else moved the entity). */
export class InvalidTransitionError extends GovernanceError {
  override readonly name = 'InvalidTransitionError'
}

/** A non-governance HTTP failure (401, 403, 404, 422, 500…) with the body's `detail`. */
export class HttpStatusError extends ControlDeckError {
  override readonly name = 'HttpStatusError'
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly method: string,
    readonly path: string,
    /** The answer's `Retry-After` in ms (429, 503), or null. */
    readonly retryAfterMs: number | null = null
  ) {
    super(
      'http_error',
      `${method} ${path} failed with HTTP ${status}: ${describeDetail(detail)}`,
      status >= 500 || status === 429,
      { status, detail }
    )
  }
}

/** The engine could not be reached (refused, reset, DNS). Retriable. */
export class NetworkError extends ControlDeckError {
  override readonly name = 'NetworkError'
}

/** The job or the whole agent was cancelled (stop requested, SIGTERM, caller's signal). */
export class CancelledError extends ControlDeckError {
  override readonly name = 'CancelledError'
  constructor(message = 'The job was cancelled.') {
    super('cancelled', message, false)
  }
}

/**
 * Marks an error thrown by a job function as final: the SDK fails the job without retrying.
 * Any other error a job function throws counts as a mechanical, retriable failure.
 */
export class NonRetriableError extends ControlDeckError {
  override readonly name = 'NonRetriableError'
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('non_retriable', message, false, details)
  }
}

function describeDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) {
    return detail
      .map((d) =>
        typeof d === 'object' && d !== null && 'msg' in d
          ? String((d as { msg: unknown }).msg)
          : JSON.stringify(d)
      )
      .join('; ')
  }
  try {
    return JSON.stringify(detail)
  } catch {
    return String(detail)
  }
}

const GOVERNANCE_CLASSES: Record<string, typeof GovernanceError> = {
  'NR-E140': CircuitOpenError,
  'NR-E300': CircuitOpenError,
  'NR-E006': CooldownError,
  'NR-E102': ParallelismError,
  'NR-E100': BudgetTimeoutError,
  'NR-E001': BudgetTimeoutError,
  'NR-E101': RetryExhaustedError,
  'NR-E003': RetryExhaustedError,
  'NR-E103': BudgetExceededError,
  'NR-E104': BudgetExceededError,
  'NR-E002': BudgetExceededError,
  'NR-E301': InvalidTransitionError
}

/** Wraps a NeuroRail error object in the typed class of its code. */
export function governanceError(
  error: NeuroRailError,
  status: number | null = null,
  retryAfterMs: number | null = null
): GovernanceError {
  const Class = GOVERNANCE_CLASSES[error.code] ?? GovernanceError
  return new Class(error, status, retryAfterMs)
}

/** Builds a GovernanceError from a registry code, for outcomes the SDK decides itself. */
export function localGovernanceError(
  code: keyof typeof ERROR_CODES,
  message: string,
  details: Record<string, unknown> = {}
): GovernanceError {
  const info = ERROR_CODES[code]
  return governanceError({
    code,
    category: info.category,
    retriable: info.retriable,
    severity: info.severity,
    message,
    details
  })
}

/**
 * The typed error for a failed HTTP response: a GovernanceError when `detail` is a NeuroRail
 * error object (the engine's refusals), an HttpStatusError otherwise.
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  method: string,
  path: string,
  retryAfterMs: number | null
): ControlDeckError {
  const detail =
    typeof body === 'object' && body !== null && 'detail' in body
      ? (body as { detail: unknown }).detail
      : body
  const parsed = NeuroRailErrorSchema.safeParse(detail)
  if (parsed.success && /^NR-E\d{3}$/.test(parsed.data.code)) {
    return governanceError(parsed.data, status, retryAfterMs)
  }
  return new HttpStatusError(status, detail, method, path, retryAfterMs)
}

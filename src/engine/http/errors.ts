/**
 * An error that maps to one HTTP response in FastAPI's shape: `{detail}` where detail is a string,
 * an object (NR-E301, 403) or a list (422). Services throw it; the server turns it into a response.
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
  return typeof err === 'object' && err !== null && (err as { isHttpError?: unknown }).isHttpError === true
}

/** 404 `{detail: "<Type> <id> not found"}`, the real backend's wording. */
export function notFound(message: string): HttpError {
  return new HttpError(404, message)
}

/** 400 `{detail}`. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message)
}

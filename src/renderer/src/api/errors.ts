import {
  ConsoleErrorSchema,
  ConsoleFailure,
  type ConsoleError,
  type ConsoleErrorCode
} from '../../../shared/console/errors'

/**
 * How every ConsoleApi call rejects in the renderer, on either transport: an Error whose message is
 * the sentence to show, carrying the ConsoleError fields (also as `.error`, like ConsoleFailure).
 */
export class ConsoleCallError extends ConsoleFailure {
  readonly code: ConsoleErrorCode
  readonly status: number | undefined
  readonly retriable: boolean
  readonly details: unknown

  constructor(error: ConsoleError) {
    super(error)
    this.name = 'ConsoleCallError'
    this.code = error.code
    this.status = error.status
    this.retriable = error.retriable
    this.details = error.details
  }
}

/** Turns whatever a transport rejected with into a ConsoleCallError. */
export function toConsoleCallError(value: unknown): ConsoleCallError {
  if (value instanceof ConsoleCallError) return value
  const parsed = ConsoleErrorSchema.safeParse(value)
  if (parsed.success) return new ConsoleCallError(parsed.data)
  return new ConsoleCallError({
    code: 'transport_failed',
    message:
      value instanceof Error && value.message
        ? `ControlDeck could not reach its main side: ${value.message}`
        : 'ControlDeck could not reach its main side.',
    retriable: true
  })
}

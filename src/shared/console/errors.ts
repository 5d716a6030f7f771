import { z } from 'zod'

/**
 * The one shape a failure takes when it crosses a transport (IPC or browser mode).
 * `message` is a sentence a person can read; `code` is stable for programs
 * (e.g. `invalid_input`, `not_found`, `backend_unavailable`, `read_only`, or an `NR-E…` code).
 */
export const ConsoleErrorSchema = z.object({
  code: z.string(),
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
  return typeof value === 'object' && value !== null && (value as { isConsoleFailure?: unknown }).isConsoleFailure === true
}

/**
 * The schema's messages as one sentence a person can read ("Base URL must be …; name: Too long"):
 * each issue's message, prefixed with its field path when the message does not already start there.
 */
export function describeInvalidInput(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const parts = issues.map((issue) => {
    const field = issue.path.map(String).join('.')
    return field && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message
  })
  return parts.length ? parts.join('; ') : 'The input is not valid.'
}

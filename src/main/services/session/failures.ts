import { ZodError } from 'zod'
import {
  ConsoleFailure,
  isConsoleFailure,
  type ConsoleErrorCode
} from '../../../shared/console/errors'
import { entityTypeOfId, type EntityType } from '../../../shared/neurorail'
import { isBackendError } from '../client/backend-error'
import { EnvironmentError } from '../environments/environment-store'

/**
 * Turns the expected failures of the services (BackendError, EnvironmentError, a ZodError from a
 * store's own validation) into the ConsoleFailure a transport sends. Anything else is returned
 * unchanged: it is a bug, and the console service logs it and shows a generic sentence.
 */
export function toConsoleFailure(error: unknown): unknown {
  if (isConsoleFailure(error)) return error
  if (isBackendError(error)) return new ConsoleFailure(error.toConsoleError())
  if (error instanceof EnvironmentError) {
    return new ConsoleFailure({ code: error.code, message: error.message, retriable: false })
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0]
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
    return new ConsoleFailure({
      code: 'invalid_input',
      message: `${where}${issue?.message ?? 'invalid input'}`,
      retriable: false
    })
  }
  if (error instanceof RangeError && /cursor/i.test(error.message)) {
    return new ConsoleFailure({
      code: 'invalid_input',
      message: 'The page cursor is not valid (start from the first page).',
      retriable: false
    })
  }
  return error
}

/** Wraps every handler so that expected failures leave as ConsoleFailure. */
export function withFailures<H extends Record<string, (input: never) => Promise<unknown>>>(
  handlers: H
): H {
  const wrapped: Record<string, (input: never) => Promise<unknown>> = {}
  for (const [name, handler] of Object.entries(handlers)) {
    wrapped[name] = async (input: never) => {
      try {
        return await handler(input)
      } catch (error) {
        throw toConsoleFailure(error)
      }
    }
  }
  return wrapped as H
}

/** A ConsoleFailure with a code and a sentence. */
export function fail(code: ConsoleErrorCode, message: string, status?: number): ConsoleFailure {
  return new ConsoleFailure({
    code,
    message,
    retriable: false,
    ...(status === undefined ? {} : { status })
  })
}

/** The entity type an id names, or invalid_input saying what an id looks like. */
export function entityTypeOrFail(entityId: string): EntityType {
  const type = entityTypeOfId(entityId)
  if (!type)
    throw fail('invalid_input', `${entityId} is not an entity id (m_/p_/j_/a_/r_ + 12 hex).`)
  return type
}

/** not_found for an entity id the backend of `environment` does not know. */
export function unknownEntity(type: EntityType, id: string, environment: string): ConsoleFailure {
  return fail('not_found', `No ${type} with the id ${id} exists on "${environment}".`, 404)
}

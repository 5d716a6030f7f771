import type { ConsoleError } from '../../../shared/console/errors'

/** The ConsoleError a console call failed with (the services never throw anything else). */
export async function consoleError(promise: Promise<unknown>): Promise<ConsoleError> {
  try {
    await promise
  } catch (error) {
    return (error as { error: ConsoleError }).error
  }
  throw new Error('expected the call to fail')
}

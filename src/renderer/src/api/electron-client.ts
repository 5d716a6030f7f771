import { CONSOLE_METHODS, type ConsoleApi } from '../../../shared/console/api'
import { toConsoleCallError } from './errors'

/**
 * Wraps the preload's `window.controldeck` so that rejections become ConsoleCallErrors (the
 * context bridge carries them as plain objects). Events pass through untouched.
 */
export function wrapElectronApi(bridge: ConsoleApi): ConsoleApi {
  const raw = bridge as unknown as Record<string, (arg: unknown) => unknown>
  const api: Record<string, unknown> = { ...raw }
  for (const name of Object.keys(CONSOLE_METHODS)) {
    const method = raw[name]
    api[name] = async (input: unknown) => {
      try {
        if (!method) throw new Error(`The preload does not expose ${name}`)
        return await method(input ?? {})
      } catch (error) {
        throw toConsoleCallError(error)
      }
    }
  }
  return api as ConsoleApi
}

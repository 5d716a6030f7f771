import type { MethodDefinition } from '../../../shared/console/define'
import { fail } from './failures'

/** What the guard needs to know about the active environment at call time. */
export interface ActiveEnvironmentInfo {
  name: string
  readOnly: boolean
}

/**
 * The one place where read-only environments refuse writes: every handler whose method is marked
 * `write: true` in the contract is wrapped; the others pass through untouched. Checked at call time,
 * so toggling the flag or switching environments takes effect at once.
 */
export function guardWrites<H extends Record<string, (input: never) => Promise<unknown>>>(
  methods: Record<string, MethodDefinition>,
  handlers: H,
  active: () => Promise<ActiveEnvironmentInfo>
): H {
  const wrapped: Record<string, (input: never) => Promise<unknown>> = { ...handlers }
  for (const [name, handler] of Object.entries(handlers)) {
    if (methods[name]?.write !== true) continue
    wrapped[name] = async (input: never) => {
      const env = await active()
      if (env.readOnly) {
        throw fail('read_only', `"${env.name}" is read-only: ${name} would change the backend, so ControlDeck refused it.`)
      }
      return handler(input)
    }
  }
  return wrapped as H
}

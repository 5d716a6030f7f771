import type { z } from 'zod'
import type { EventDefinition, MethodDefinition } from './define'
import { appEvents, appMethods } from './domains/app'
import { bundlesEvents, bundlesMethods } from './domains/bundles'
import { cacheEvents, cacheMethods } from './domains/cache'
import { dataEvents, dataMethods } from './domains/data'
import { environmentsEvents, environmentsMethods } from './domains/environments'
import { liveEvents, liveMethods } from './domains/live'
import { runsEvents, runsMethods } from './domains/runs'

/** Every ConsoleApi method, by name. The single source both transports and the main side are generated from. */
export const CONSOLE_METHODS = {
  ...appMethods,
  ...environmentsMethods,
  ...dataMethods,
  ...liveMethods,
  ...cacheMethods,
  ...runsMethods,
  ...bundlesMethods
} satisfies Record<string, MethodDefinition>

/** Every pushed event, by name (`onX`). */
export const CONSOLE_EVENTS = {
  ...appEvents,
  ...environmentsEvents,
  ...dataEvents,
  ...liveEvents,
  ...cacheEvents,
  ...runsEvents,
  ...bundlesEvents
} satisfies Record<string, EventDefinition>

export type ConsoleMethods = typeof CONSOLE_METHODS
export type ConsoleEvents = typeof CONSOLE_EVENTS
export type ConsoleMethodName = keyof ConsoleMethods & string
export type ConsoleEventName = keyof ConsoleEvents & string

export type MethodInput<M extends ConsoleMethodName> = z.input<ConsoleMethods[M]['input']>
export type MethodOutput<M extends ConsoleMethodName> = z.output<ConsoleMethods[M]['output']>
export type EventPayload<E extends ConsoleEventName> = z.output<ConsoleEvents[E]['payload']>

/** Removes a listener added through an `onX` event. */
export type Unsubscribe = () => void

/**
 * What the renderer sees as `window.controldeck` (Electron) or the HTTP client (browser mode):
 * one promise-returning function per method and one subscribe function per event.
 */
export type ConsoleApi = {
  [M in ConsoleMethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>>
} & {
  [E in ConsoleEventName]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe
}

/**
 * The main side's implementation: receives the already-validated input of each method.
 * Results are validated against the output schema by the transport in development and tests.
 */
export type ConsoleHandlers = {
  [M in ConsoleMethodName]: (
    input: z.output<ConsoleMethods[M]['input']>
  ) => Promise<z.input<ConsoleMethods[M]['output']>>
}

/** How the main side pushes an event to every connected renderer. */
export interface ConsoleEventSink {
  emit<E extends ConsoleEventName>(name: E, payload: z.input<ConsoleEvents[E]['payload']>): void
}

export function isConsoleMethodName(name: string): name is ConsoleMethodName {
  return Object.prototype.hasOwnProperty.call(CONSOLE_METHODS, name)
}

export function isConsoleEventName(name: string): name is ConsoleEventName {
  return Object.prototype.hasOwnProperty.call(CONSOLE_EVENTS, name)
}

import type { z } from 'zod'
import type { EventDefinition, MethodDefinition } from './define'
import { appEvents, appMethods } from './domains/app'
import { bundlesEvents, bundlesMethods } from './domains/bundles'
import { cacheEvents, cacheMethods } from './domains/cache'
import { dataEvents, dataMethods } from './domains/data'
import { environmentsEvents, environmentsMethods } from './domains/environments'
import { governanceEvents, governanceMethods } from './domains/governance'
import { liveEvents, liveMethods } from './domains/live'
import { notificationsEvents, notificationsMethods } from './domains/notifications'
import { runsEvents, runsMethods } from './domains/runs'

/**
 * Every domain of the contract with its methods and events. A new domain adds one line here; its
 * methods and events join CONSOLE_METHODS/CONSOLE_EVENTS below, and the compiler asks for its
 * handler factory in the console service (src/main/services/console-service.ts).
 */
export const CONSOLE_DOMAINS = {
  app: { methods: appMethods, events: appEvents },
  environments: { methods: environmentsMethods, events: environmentsEvents },
  data: { methods: dataMethods, events: dataEvents },
  live: { methods: liveMethods, events: liveEvents },
  cache: { methods: cacheMethods, events: cacheEvents },
  governance: { methods: governanceMethods, events: governanceEvents },
  runs: { methods: runsMethods, events: runsEvents },
  notifications: { methods: notificationsMethods, events: notificationsEvents },
  bundles: { methods: bundlesMethods, events: bundlesEvents }
} satisfies Record<
  string,
  { methods: Record<string, MethodDefinition>; events: Record<string, EventDefinition> }
>

export type ConsoleDomains = typeof CONSOLE_DOMAINS
export type ConsoleDomainName = keyof ConsoleDomains

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I
) => void
  ? I
  : never
/** One table of every domain's methods or events: each domain's entries, by name. */
type Merged<K extends 'methods' | 'events'> = UnionToIntersection<
  ConsoleDomains[ConsoleDomainName][K]
>

// Merged from CONSOLE_DOMAINS itself, so no domain can be left out; a name declared by two domains
// would silently shadow the other, so it stops the console at start instead.
function mergeDomains<K extends 'methods' | 'events'>(part: K): Merged<K> {
  const merged: Record<string, unknown> = {}
  for (const [domain, tables] of Object.entries(CONSOLE_DOMAINS)) {
    for (const [name, definition] of Object.entries(tables[part])) {
      if (Object.prototype.hasOwnProperty.call(merged, name))
        throw new Error(`ConsoleApi: ${name} is declared twice (${domain})`)
      merged[name] = definition
    }
  }
  return merged as Merged<K>
}

/**
 * Every ConsoleApi method, by name, in domain order. The single source both transports and the
 * main side are generated from.
 */
export const CONSOLE_METHODS = mergeDomains('methods')

/** Every pushed event, by name (`onX`). */
export const CONSOLE_EVENTS = mergeDomains('events')

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

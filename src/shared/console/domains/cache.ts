import type { EventDefinition, MethodDefinition } from '../define'

/** cache domain of ConsoleApi. */
export const cacheMethods = {} satisfies Record<string, MethodDefinition>

export const cacheEvents = {} satisfies Record<string, EventDefinition>

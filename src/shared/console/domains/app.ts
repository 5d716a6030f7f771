import type { EventDefinition, MethodDefinition } from '../define'

/** app domain of ConsoleApi. */
export const appMethods = {} satisfies Record<string, MethodDefinition>

export const appEvents = {} satisfies Record<string, EventDefinition>

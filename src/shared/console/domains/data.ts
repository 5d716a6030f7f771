import type { EventDefinition, MethodDefinition } from '../define'

/** data domain of ConsoleApi. */
export const dataMethods = {} satisfies Record<string, MethodDefinition>

export const dataEvents = {} satisfies Record<string, EventDefinition>

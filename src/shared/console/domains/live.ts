import type { EventDefinition, MethodDefinition } from '../define'

/** live domain of ConsoleApi. */
export const liveMethods = {} satisfies Record<string, MethodDefinition>

export const liveEvents = {} satisfies Record<string, EventDefinition>

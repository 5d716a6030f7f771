import type { EventDefinition, MethodDefinition } from '../define'

/** runs domain of ConsoleApi. */
export const runsMethods = {} satisfies Record<string, MethodDefinition>

export const runsEvents = {} satisfies Record<string, EventDefinition>

import type { EventDefinition, MethodDefinition } from '../define'

/** environments domain of ConsoleApi. */
export const environmentsMethods = {} satisfies Record<string, MethodDefinition>

export const environmentsEvents = {} satisfies Record<string, EventDefinition>

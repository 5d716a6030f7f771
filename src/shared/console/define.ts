import type { z } from 'zod'

/**
 * One ConsoleApi method: a single JSON input validated by `input` before any service runs,
 * resolving to `output`. `write` marks methods that change a backend, refused on read-only environments.
 */
export interface MethodDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I
  readonly output: O
  readonly description: string
  readonly write?: boolean
}

/** One pushed event (`onX`): the payload schema the main side emits and the renderer receives. */
export interface EventDefinition<P extends z.ZodType = z.ZodType> {
  readonly payload: P
  readonly description: string
}

/** Declares a method; kept as a function so that the literal types of input/output survive. */
export function defineMethod<I extends z.ZodType, O extends z.ZodType>(
  definition: MethodDefinition<I, O>
): MethodDefinition<I, O> {
  return definition
}

/** Declares a pushed event. Event names must start with `on` (the transports rely on it). */
export function defineEvent<P extends z.ZodType>(definition: EventDefinition<P>): EventDefinition<P> {
  return definition
}

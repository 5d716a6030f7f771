import { z } from 'zod'

/**
 * One ConsoleApi method: a single JSON input validated by `input` before any service runs,
 * resolving to `output`.
 */
export interface MethodDefinition<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType
> {
  readonly input: I
  readonly output: O
  readonly description: string
  /**
   * Marks a method that changes a backend or starts a process that does (a local agent run). The
   * console service refuses it while the active environment is read-only, before its handler
   * runs, whichever transport carried the call. Methods that change only this console's own
   * settings (profiles, credentials, cache retention) or stop something are not marked: a
   * read-only environment must still be editable, and a running agent must stay stoppable.
   */
  readonly write?: boolean
}

/** One pushed event (`onX`): the payload schema the main side emits and the renderer receives. */
export interface EventDefinition<P extends z.ZodType = z.ZodType> {
  readonly payload: P
  readonly description: string
  /**
   * The payload is built only from data validated where it entered the main side (live events:
   * each SSE frame is parsed once, against the stream schema, before the cache stores it), so the
   * event sink passes it on without parsing every event a second time on the hot path.
   */
  readonly validatedAtSource?: true
}

/** The input of a method that takes none: `{}` (unknown keys are dropped, as for every input). */
export const NoInputSchema = z.object({})

/** A method as declared: `input` may be left out when the method takes none (NoInputSchema). */
export type MethodDeclaration<I extends z.ZodType, O extends z.ZodType> = Omit<
  MethodDefinition<I, O>,
  'input'
> & { readonly input?: I }

/** Declares a method; kept as a function so that the literal types of input/output survive. */
export function defineMethod<O extends z.ZodType, I extends z.ZodType = typeof NoInputSchema>(
  declaration: MethodDeclaration<I, O>
): MethodDefinition<I, O> {
  // Without `input`, I is its default (typeof NoInputSchema), so the cast states what holds.
  return { ...declaration, input: declaration.input ?? (NoInputSchema as z.ZodType as I) }
}

/** Declares a pushed event. Event names must start with `on` (the transports rely on it). */
export function defineEvent<P extends z.ZodType>(
  definition: EventDefinition<P>
): EventDefinition<P> {
  return definition
}

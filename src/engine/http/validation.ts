import type { z } from 'zod'
import { toValidationIssues } from '../validation-issues'
import { HttpError } from './errors'

/**
 * Parses `input` with `schema`; on failure throws a 422 whose body is FastAPI's list shape, so a
 * client written for the real backend reads our validation errors unchanged.
 */
export function parseOr422<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root: 'body' | 'query' | 'path' = 'body'
): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new HttpError(422, toValidationIssues(result.error, root, input))
}

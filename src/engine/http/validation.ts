import type { z } from 'zod'
import { HttpError } from './errors'

/** One entry of FastAPI's 422 list (pydantic v2 shape). */
export interface ValidationIssue {
  type: string
  loc: Array<string | number>
  msg: string
  input: unknown
}

/** Converts zod issues into FastAPI's 422 `detail` list, with `loc` rooted at body/query/path. */
export function toValidationIssues(
  error: z.ZodError,
  root: 'body' | 'query' | 'path',
  input: unknown
): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    return {
      type: zodCodeToType(issue.code),
      loc: [root, ...path],
      msg: issue.message,
      input: valueAt(input, path)
    }
  })
}

function zodCodeToType(code: string): string {
  switch (code) {
    case 'invalid_type':
      return 'type_error'
    case 'too_small':
    case 'too_big':
      return 'value_error.range'
    case 'unrecognized_keys':
      return 'extra_forbidden'
    default:
      return 'value_error'
  }
}

function valueAt(input: unknown, path: Array<string | number>): unknown {
  let cur = input
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[key]
  }
  return cur
}

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

// Transport-neutral: domain services report invalid input with these issues (DomainError
// 'invalid_input'), and the HTTP edge answers them as FastAPI's 422 `detail` list.
import type { z } from 'zod'
import { truncate } from '../shared/json-depth'

/**
 * One entry of FastAPI's 422 list (pydantic v2 shape). `input` echoes the offending value only
 * when it is a scalar (strings cut short); structured values are left out (pydantic v1 shape).
 */
export interface ValidationIssue {
  type: string
  loc: Array<string | number>
  msg: string
  input?: unknown
}

/** Issues listed in one 422; the rest are counted in a last entry. */
export const MAX_ISSUES = 20
/** Longest echoed string input and longest message (zod may quote caller-chosen keys). */
const MAX_INPUT_CHARS = 100
const MAX_MSG_CHARS = 300
/** Longest `loc`: a path into a value nested at the request limit would be a list of 60 keys. */
const MAX_LOC_SEGMENTS = 16

/**
 * Converts zod issues into FastAPI's 422 `detail` list, with `loc` rooted at body/query/path.
 * Bounded whatever the input: at most {@link MAX_ISSUES} entries, short messages and locations,
 * and no structured input echoed, so an error answer can neither grow with the request nor fail
 * to serialise.
 */
export function toValidationIssues(
  error: z.ZodError,
  root: 'body' | 'query' | 'path',
  input: unknown
): ValidationIssue[] {
  const issues: ValidationIssue[] = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    const loc: Array<string | number> = [root, ...path.slice(0, MAX_LOC_SEGMENTS).map(boundSegment)]
    if (path.length > MAX_LOC_SEGMENTS) loc.push('…')
    const out: ValidationIssue = {
      type: zodCodeToType(issue.code),
      loc,
      msg: truncate(issue.message, MAX_MSG_CHARS)
    }
    const echo = scalarEcho(valueAt(input, path))
    if (echo !== undefined) out.input = echo
    return out
  })
  const more = error.issues.length - issues.length
  if (more > 0) issues.push({ type: 'value_error', loc: [root], msg: `and ${more} more issues` })
  return issues
}

function boundSegment(seg: string | number): string | number {
  return typeof seg === 'string' ? truncate(seg, 64) : seg
}

/** The value to echo as `input`: scalars (strings cut short), nothing for objects and arrays. */
function scalarEcho(value: unknown): unknown {
  if (typeof value === 'string') return truncate(value, MAX_INPUT_CHARS)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value
  return undefined
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

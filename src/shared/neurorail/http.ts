import { z } from 'zod'

/** Path prefix of every NeuroRail route. */
export const API_PREFIX = '/api/neurorail/v1'

/**
 * One item of a 422 validation body. Accepts both pydantic shapes: v2 `{type, loc, msg, input,
 * ctx?, url?}` and v1 `{loc, msg, type, ctx?}`; `input` is undefined for v1.
 */
export const ValidationIssueSchema = z.object({
  type: z.string().default('value_error'),
  loc: z.array(z.union([z.string(), z.number()])).default([]),
  msg: z.string(),
  input: z.unknown().optional(),
  ctx: z.record(z.string(), z.unknown()).optional()
})
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>

/** The FastAPI error body: `{detail}` where detail is a string, an object (NR-E301…) or a 422 list. */
export const FastApiErrorBodySchema = z.object({
  detail: z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
})
export type FastApiErrorBody = z.infer<typeof FastApiErrorBodySchema>

/** A 422 body: `{detail: [ValidationIssue…]}`. */
export const ValidationErrorBodySchema = z.object({ detail: z.array(ValidationIssueSchema) })
export type ValidationErrorBody = z.infer<typeof ValidationErrorBodySchema>

/** "body.limit: Input should be less than or equal to 1000" — `loc` joined, then `msg`. */
export function formatValidationIssue(issue: ValidationIssue): string {
  const loc = issue.loc.map(String).join('.')
  return loc ? `${loc}: ${issue.msg}` : issue.msg
}

/**
 * A sentence for a FastAPI error body: the string detail, the joined 422 issues, or an object's
 * `message`/`error`. Null when the body is not a FastAPI error body.
 */
export function describeErrorBody(body: unknown): string | null {
  const parsed = FastApiErrorBodySchema.safeParse(body)
  if (!parsed.success) return null
  const { detail } = parsed.data
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) {
    const issues = z.array(ValidationIssueSchema).safeParse(detail)
    return issues.success ? issues.data.map(formatValidationIssue).join('; ') : 'Invalid request'
  }
  const text = detail.message ?? detail.error
  return typeof text === 'string' ? text : JSON.stringify(detail)
}

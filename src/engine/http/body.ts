import type { IncomingMessage } from 'node:http'
import { parseJsonBounded } from '../../shared/json-depth'
import { MAX_REQUEST_DEPTH } from '../../shared/neurorail/limits'
import { readBodyBytes } from '../body-bytes'
import { HttpError } from './errors'

/** Largest accepted request body; larger ones get 413 before they are buffered. */
export const MAX_BODY_BYTES = 1024 * 1024

/** Path segments of a too-deep body shown in the 422 `loc`; the rest is elided. */
const MAX_LOC_SEGMENTS = 8

/**
 * Reads and parses a JSON request body. Empty → undefined (the schema then reports the missing
 * body as 422, as FastAPI does). Over the limit → 413, announced or not; malformed → 400 `{detail}`;
 * nested deeper than {@link MAX_REQUEST_DEPTH} → 422 naming where, before anything is parsed (no
 * client could read the events such a body would make, and the stack could not serialise it).
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const body = await readBodyBytes(req, limit, () => tooLarge(limit))
  if (body.length === 0) return undefined
  const parsed = parseJsonBounded(body.toString('utf8'), MAX_REQUEST_DEPTH)
  if (parsed.ok) return parsed.value
  if (parsed.reason === 'malformed')
    throw new HttpError(400, `Malformed JSON body: ${parsed.message}`)
  const loc = ['body', ...parsed.path.slice(0, MAX_LOC_SEGMENTS)]
  if (parsed.path.length > MAX_LOC_SEGMENTS) loc.push('…')
  throw new HttpError(422, [{ type: 'value_error', loc, msg: parsed.message }])
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body too large (limit ${limit} bytes)`)
}

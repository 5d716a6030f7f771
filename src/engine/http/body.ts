import type { IncomingMessage } from 'node:http'
import { HttpError } from './errors'

/** Largest accepted request body; larger ones get 413 before they are buffered. */
export const MAX_BODY_BYTES = 1024 * 1024

/**
 * Reads and parses a JSON request body. Empty → undefined (the schema then reports the missing
 * body as 422, as FastAPI does). Over the limit → 413, announced or not; malformed → 400 `{detail}`.
 */
export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLarge(limit))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > limit) {
        failed = true
        chunks.length = 0
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    })
    req.on('error', (err) => {
      if (!failed) reject(err)
      failed = true
    })
    req.on('end', () => {
      if (failed) return
      if (size === 0) return resolve(undefined)
      const text = Buffer.concat(chunks, size).toString('utf8')
      try {
        resolve(JSON.parse(text))
      } catch (err) {
        reject(new HttpError(400, `Malformed JSON body: ${(err as Error).message}`))
      }
    })
  })
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body too large (limit ${limit} bytes)`)
}

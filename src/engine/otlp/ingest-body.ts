import type { IncomingMessage } from 'node:http'
import { gunzip } from 'node:zlib'
import { OTLP_EXPORT_LIMITS } from '../../shared/neurorail/limits'
import { readBodyBytes } from '../body-bytes'

const { wireBytes, decodedBytes } = OTLP_EXPORT_LIMITS

/** A body refused for its size, encoding or content, with the status the route answers. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string
  ) {
    super(message)
  }
}

/**
 * Reads the raw body (bounded) and undoes `Content-Encoding: gzip` (bounded: a gzip bomb stops
 * at the limit with a 413, it never fills memory).
 */
export async function readOtlpBody(req: IncomingMessage): Promise<Buffer> {
  const enc = String(req.headers['content-encoding'] ?? 'identity')
    .toLowerCase()
    .trim()
  if (enc !== 'identity' && enc !== 'gzip')
    throw new BodyError(415, `Unsupported Content-Encoding '${enc.slice(0, 40)}' (gzip or none)`)
  const raw = await readBodyBytes(
    req,
    wireBytes,
    () => new BodyError(413, `Body too large (limit ${wireBytes} bytes)`)
  )
  if (enc !== 'gzip') return raw
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: decodedBytes }, (err, out) => {
      if (!err) return resolve(out)
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(new BodyError(413, `Body too large once decompressed (limit ${decodedBytes} bytes)`))
      } else reject(new BodyError(400, `Body is not valid gzip: ${err.message}`))
    })
  })
}

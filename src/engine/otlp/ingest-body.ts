import type { IncomingMessage } from 'node:http'
import { gunzip } from 'node:zlib'
import { readBodyBytes } from '../body-bytes'

/** Largest body accepted on the wire. */
export const MAX_WIRE_BYTES = 4 * 1024 * 1024
/** Largest body after decompression: a gzip bomb stops here (413), it never fills memory. */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024

/** A body refused for its size or encoding, with the status the route answers. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string
  ) {
    super(message)
  }
}

/** Reads the raw body (bounded) and undoes `Content-Encoding: gzip` (bounded). */
export async function readOtlpBody(req: IncomingMessage): Promise<Buffer> {
  const enc = String(req.headers['content-encoding'] ?? 'identity')
    .toLowerCase()
    .trim()
  if (enc !== 'identity' && enc !== 'gzip')
    throw new BodyError(415, `Unsupported Content-Encoding '${enc.slice(0, 40)}' (gzip or none)`)
  const raw = await readBodyBytes(
    req,
    MAX_WIRE_BYTES,
    () => new BodyError(413, `Body too large (limit ${MAX_WIRE_BYTES} bytes)`)
  )
  if (enc !== 'gzip') return raw
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: MAX_DECODED_BYTES }, (err, out) => {
      if (!err) return resolve(out)
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(
          new BodyError(413, `Body too large once decompressed (limit ${MAX_DECODED_BYTES} bytes)`)
        )
      } else reject(new BodyError(400, `Body is not valid gzip: ${err.message}`))
    })
  })
}

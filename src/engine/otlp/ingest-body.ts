import type { IncomingMessage } from 'node:http'
import { gunzip } from 'node:zlib'

/** Largest body accepted on the wire. */
export const MAX_WIRE_BYTES = 4 * 1024 * 1024
/** Largest body after decompression: a gzip bomb stops here (413), it never fills memory. */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024

/** A body refused for its size or encoding, with the status the route answers. */
export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message)
  }
}

/** Reads the raw body (bounded) and undoes `Content-Encoding: gzip` (bounded). */
export async function readOtlpBody(req: IncomingMessage): Promise<Buffer> {
  const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase().trim()
  if (enc !== 'identity' && enc !== 'gzip') throw new BodyError(415, `Unsupported Content-Encoding '${enc.slice(0, 40)}' (gzip or none)`)
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > MAX_WIRE_BYTES) throw new BodyError(413, `Body too large (limit ${MAX_WIRE_BYTES} bytes)`)
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    req.on('data', (c: Buffer) => {
      if (failed) return
      size += c.length
      if (size > MAX_WIRE_BYTES) {
        failed = true
        chunks.length = 0
        reject(new BodyError(413, `Body too large (limit ${MAX_WIRE_BYTES} bytes)`))
        return
      }
      chunks.push(c)
    })
    req.on('error', (err) => {
      if (!failed) reject(err)
      failed = true
    })
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size))
    })
  })
  if (enc !== 'gzip') return raw
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: MAX_DECODED_BYTES }, (err, out) => {
      if (!err) return resolve(out)
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(new BodyError(413, `Body too large once decompressed (limit ${MAX_DECODED_BYTES} bytes)`))
      } else reject(new BodyError(400, `Body is not valid gzip: ${err.message}`))
    })
  })
}

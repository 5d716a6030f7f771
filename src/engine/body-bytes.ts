import type { IncomingMessage } from 'node:http'

/**
 * Buffers a request body of at most `limit` bytes. A larger one, announced by Content-Length or
 * not, is refused with `tooLargeError()` and its chunks are no longer kept.
 */
export function readBodyBytes(
  req: IncomingMessage,
  limit: number,
  tooLargeError: () => Error
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLargeError())
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
        reject(tooLargeError())
        return
      }
      chunks.push(chunk)
    })
    req.on('error', (err) => {
      if (!failed) reject(err)
      failed = true
    })
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size))
    })
  })
}

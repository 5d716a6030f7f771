import { createServer } from 'node:http'
import { listenOnLoopback } from './loopback'

/** One request a RecordingBackend saw. */
export interface RecordedRequest {
  method: string
  /** Path and query as sent (an SSE `access_token` would show here). */
  url: string
  authorization: string | null
}

/**
 * A backend on 127.0.0.1 that records what reaches it — above all the Authorization header — and
 * answers every request with FastAPI's 404 (so a client sees the BRAiN baseline: no capabilities,
 * no stream, nothing found). Tests use it to prove which credential was, or was not, sent where.
 */
export interface RecordingBackend {
  /** Origin, e.g. http://127.0.0.1:40123 */
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Whether `text` reached this backend anywhere in a request line or Authorization header. */
  received(text: string): boolean
  close(): Promise<void>
}

export async function startRecordingBackend(): Promise<RecordingBackend> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization ?? null })
    req.resume()
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ detail: 'Not Found' }))
  })
  const url = await listenOnLoopback(server)
  return {
    url,
    requests,
    received: (text) => requests.some((r) => r.url.includes(text) || (r.authorization ?? '').includes(text)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

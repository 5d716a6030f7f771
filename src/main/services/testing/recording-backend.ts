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

export interface RecordingBackendOptions {
  /**
   * Answer with the Authorization header and the body echoed in the detail, as a careless backend
   * might (401 to reads, 500 to writes such as a login): the console must not pass a credential
   * it sent back to the renderer or its log.
   */
  echoAuthorization?: boolean
}

export async function startRecordingBackend(
  options: RecordingBackendOptions = {}
): Promise<RecordingBackend> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? null
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization })
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (options.echoAuthorization) {
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 2_000)
        res.writeHead(req.method === 'GET' ? 401 : 500, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            detail: `Invalid credentials: ${authorization ?? '(none)'} with ${body || '(no body)'} is not accepted here`
          })
        )
        return
      }
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ detail: 'Not Found' }))
    })
  })
  const url = await listenOnLoopback(server)
  return {
    url,
    requests,
    received: (text) =>
      requests.some((r) => r.url.includes(text) || (r.authorization ?? '').includes(text)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

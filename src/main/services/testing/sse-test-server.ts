import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { listenOnLoopback } from './loopback'

/**
 * A small SSE backend for tests of the live client (the embedded engine speaks the same wire):
 * `GET /api/neurorail/v1/stream/events` with `id:` on every frame (unless `withIds: false`, the
 * real BRAiN's behaviour), resume after `Last-Event-ID` (header or `lastEventId` query) from an
 * in-memory log, `: heartbeat` comments, Bearer or `access_token` auth, `channels`/`event_types`
 * filters. Publishing is a method call, so tests control timing exactly.
 */
export interface SseTestServer {
  /** Origin, e.g. http://127.0.0.1:40123 */
  readonly url: string
  /** The NeuroRail API base (origin + /api/neurorail/v1). */
  readonly baseUrl: string
  /** Every stream request: its Last-Event-ID (header or query) and Authorization header. */
  readonly streamRequests: { lastEventId: string | null; authorization: string | null }[]
  /** Appends an event to the log and sends it to every open stream it matches; returns its id. */
  publish(channel: string, eventType: string, data: Record<string, unknown>): string
  /**
   * Adds a row to the audit history served by `POST /audit/query` (newest first, limit/offset),
   * given as raw JSON text so tests can send what no serializer would (100,000-deep nesting).
   */
  addAuditJson(json: string): void
  /** Writes raw text to every open stream (garbage, partial frames). */
  writeRaw(text: string): void
  /** Open stream responses right now. */
  openStreams(): number
  /** Ends every open stream (a clean server-side close). */
  endStreams(): void
  /**
   * Heartbeat comments written so far on the newest stream: a clock for "quiet for long enough"
   * that tests wait on instead of sleeping.
   */
  heartbeatsSent(): number
  close(): Promise<void>
}

export interface SseTestServerOptions {
  /** When set, streams need `Authorization: Bearer <token>` or `?access_token=`. */
  token?: string
  /** Heartbeat comment interval; 0 disables. Default 0. */
  heartbeatMs?: number
  /** Put `id:` lines and JSON ids on frames (our engine). Default true. */
  withIds?: boolean
  /** Answer the stream route with 404 (a BRAiN without the stream router). */
  noStream?: boolean
  /** Answer `GET /capabilities` with this body (our engine's probe); 404 when absent (BRAiN). */
  capabilities?: Record<string, unknown>
}

const PREFIX = '/api/neurorail/v1'

interface Logged {
  id: number
  channel: string
  eventType: string
  frame: string
}

export async function startSseTestServer(
  options: SseTestServerOptions = {}
): Promise<SseTestServer> {
  const withIds = options.withIds ?? true
  const log: Logged[] = []
  const streams = new Set<{
    res: ServerResponse
    channels: Set<string> | null
    types: Set<string> | null
  }>()
  const streamRequests: SseTestServer['streamRequests'] = []
  const auditRows: string[] = []
  let heartbeats = 0
  let newest: object | null = null

  const matches = (
    s: { channels: Set<string> | null; types: Set<string> | null },
    e: Logged
  ): boolean => (!s.channels || s.channels.has(e.channel)) && (!s.types || s.types.has(e.eventType))

  const handleStream = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const headerId = req.headers['last-event-id']
    const lastEventId =
      (typeof headerId === 'string' ? headerId : null) ?? url.searchParams.get('lastEventId')
    const authorization = req.headers.authorization ?? null
    streamRequests.push({ lastEventId, authorization })
    if (options.noStream) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}')
      return
    }
    if (options.token) {
      const bearer = authorization?.startsWith('Bearer ')
        ? authorization.slice(7)
        : url.searchParams.get('access_token')
      if (bearer !== options.token) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"Invalid token"}')
        return
      }
    }
    const channels = url.searchParams.getAll('channels').filter((c) => c !== 'all')
    const types = url.searchParams.getAll('event_types')
    const stream = {
      res,
      channels: channels.length ? new Set(channels) : null,
      types: types.length ? new Set(types) : null
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive'
    })
    res.write(': connected\n\n')
    const after = lastEventId !== null && /^\d+$/.test(lastEventId) ? Number(lastEventId) : 0
    const backlog = log.filter((e) => e.id > after && matches(stream, e)).map((e) => e.frame)
    if (backlog.length) res.write(backlog.join(''))
    streams.add(stream)
    newest = stream
    heartbeats = 0
    const beat = (): void => {
      if (newest === stream) heartbeats++
      res.write(': heartbeat\n\n')
    }
    const heartbeat = options.heartbeatMs ? setInterval(beat, options.heartbeatMs) : null
    const done = (): void => {
      if (heartbeat) clearInterval(heartbeat)
      streams.delete(stream)
    }
    res.on('close', done)
    req.on('close', done)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method === 'GET' && url.pathname === `${PREFIX}/stream/events`)
      return handleStream(req, res, url)
    if (req.method === 'GET' && url.pathname === `${PREFIX}/capabilities` && options.capabilities) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(options.capabilities))
      return
    }
    if (req.method === 'POST' && url.pathname === `${PREFIX}/audit/query`) {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        const q = JSON.parse(body || '{}') as { limit?: number; offset?: number }
        const limit = q.limit ?? 100
        const offset = q.offset ?? 0
        const page = auditRows.slice(offset, offset + limit)
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            `{"events":[${page.join(',')}],"total":${auditRows.length},"limit":${limit},"offset":${offset}}`
          )
      })
      return
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}')
  })
  const origin = await listenOnLoopback(server)

  return {
    url: origin,
    baseUrl: origin + PREFIX,
    streamRequests,
    heartbeatsSent: () => heartbeats,
    publish(channel, eventType, data) {
      const id = log.length + 1
      const body = {
        ...(withIds ? { id: String(id) } : {}),
        channel,
        event_type: eventType,
        timestamp: Date.now() / 1000,
        data
      }
      const frame = `${withIds ? `id: ${id}\n` : ''}event: ${eventType}\ndata: ${JSON.stringify(body)}\n\n`
      const entry = { id, channel, eventType, frame }
      log.push(entry)
      for (const s of streams) if (matches(s, entry)) s.res.write(frame)
      return String(id)
    },
    addAuditJson(json) {
      auditRows.unshift(json)
    },
    writeRaw(text) {
      for (const s of streams) s.res.write(text)
    },
    openStreams: () => streams.size,
    endStreams() {
      for (const s of streams) s.res.end()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

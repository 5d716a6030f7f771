import { createServer, type ServerResponse } from 'node:http'
import { listenOnLoopback } from './loopback'

/**
 * An SSE server written from the WHATWG HTML specification ("Server-sent events", §9.2), not from
 * our engine, for testing the console's client against what any conforming backend may send:
 *
 * - ids travel only on `id:` lines (never inside the JSON), as opaque strings: numeric
 *   (`1`, `2`, …) or not (`evt-<hex>`, in no sortable order);
 * - a reconnect's `Last-Event-ID` header resumes right after that event; an id the server does not
 *   know replays its whole log (the specification leaves this to the server);
 * - the wire uses what the specification allows a parser to meet: LF, CRLF and CR line ends,
 *   `field:value` with and without the space, `data` spread over several lines (joined with LF),
 *   `id:` after the `data:` lines, comments, and a `retry:` field.
 *
 * Publishing is a method call so tests control timing.
 */
export interface SpecSseServer {
  readonly url: string
  /** NeuroRail-shaped base (origin + /api/neurorail/v1); the stream is served on any path. */
  readonly baseUrl: string
  /** The Last-Event-ID header of every request, in order (null when absent). */
  readonly lastEventIds: (string | null)[]
  /** Appends an event and writes it to every open stream; returns its id. */
  publish(data: Record<string, unknown>): string
  openStreams(): number
  /** Ends every open stream cleanly (the client sees the stream end and reconnects). */
  endStreams(): void
  close(): Promise<void>
}

export interface SpecSseServerOptions {
  ids: 'numeric' | 'opaque'
  /**
   * What every stream starts with, raw (default `retry: 100` and a blank line): tests set the
   * reconnection time, hostile values and line ends here.
   */
  preamble?: string
}

interface Entry {
  id: string
  frame: string
}

/** Line ends, cycled frame by frame (the spec accepts all three). */
const LINE_ENDS = ['\n', '\r\n', '\r'] as const

export async function startSpecSseServer(options: SpecSseServerOptions): Promise<SpecSseServer> {
  const log: Entry[] = []
  const streams = new Set<ServerResponse>()
  const lastEventIds: (string | null)[] = []

  const nextId = (): string => {
    if (options.ids === 'numeric') return String(log.length + 1)
    // Opaque and unordered: a hex scramble of the sequence number.
    const n = (Math.imul(log.length + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0')
    return `evt-${n}`
  }

  const frameOf = (id: string, n: number, data: Record<string, unknown>): string => {
    const nl = LINE_ENDS[n % LINE_ENDS.length] as string
    const json = JSON.stringify({
      channel: 'audit',
      event_type: 'spec_event',
      timestamp: Date.now() / 1000,
      data
    })
    // Split the JSON over two data lines at a comma between members: joined with LF it is the
    // same JSON (LF is whitespace there).
    const cut = json.indexOf(',"event_type"')
    const lines =
      n % 2 === 0
        ? [`data: ${json.slice(0, cut + 1)}`, `data:${json.slice(cut + 1)}`]
        : [`data:${json}`]
    const head = n % 3 === 0 ? [`: event ${n}`, 'event: spec_event'] : ['event:spec_event']
    return [...head, ...lines, `id: ${id}`, ''].join(nl) + nl
  }

  const server = createServer((req, res) => {
    const header = req.headers['last-event-id']
    const lastEventId = typeof header === 'string' ? header : null
    lastEventIds.push(lastEventId)
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write(options.preamble ?? 'retry: 100\n\n')
    const known = lastEventId === null ? -1 : log.findIndex((e) => e.id === lastEventId)
    const backlog = log.slice(known + 1)
    if (backlog.length > 0) res.write(backlog.map((e) => e.frame).join(''))
    streams.add(res)
    res.on('close', () => streams.delete(res))
  })
  const url = await listenOnLoopback(server)
  return {
    url,
    baseUrl: `${url}/api/neurorail/v1`,
    lastEventIds,
    publish(data) {
      const id = nextId()
      const entry = { id, frame: frameOf(id, log.length, data) }
      log.push(entry)
      for (const res of streams) res.write(entry.frame)
      return id
    },
    openStreams: () => streams.size,
    endStreams() {
      for (const res of streams) res.end()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import { listenOnLoopback } from './loopback'

/**
 * What the proxy does to one request:
 * - `pass`: forward untouched;
 * - `status`: answer `status` itself (5xx, 401…) without asking upstream;
 * - `cut`: forward `afterBytes` bytes of the response body, then end the connection (mid-frame);
 * - `stall`: forward `afterBytes` bytes, then go silent (socket open) for `ms`, then kill it;
 * - `garbage`: forward the response, inserting a garbage frame after every `everyFrames` frames
 *   (only at frame boundaries, so real frames stay intact and every real event still arrives).
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'cut'; afterBytes: number }
  | { kind: 'stall'; afterBytes: number; ms: number }
  | { kind: 'garbage'; everyFrames: number }

export interface FaultProxy {
  /** Origin of the proxy; swap it for the upstream origin in URLs. */
  readonly url: string
  /** Faults applied, in request order, with the request's method and path. */
  readonly applied: { method: string; path: string; fault: Fault }[]
  close(): Promise<void>
}

/** Garbage frames the proxy injects: not JSON, wrong shape, bad channel, stray fields, odd bytes. */
export const GARBAGE_FRAMES: readonly string[] = [
  'data: {not json\n\n',
  'event: state_transition\ndata: {"channel":"nowhere","event_type":"x","timestamp":1,"data":{}}\n\n',
  'data: {"channel":"audit"}\n\n',
  'data: [1,2,3]\n\n',
  'retry: banana\nfoo: bar\ndata: \u0000\u0001\u00ff\n\n',
  'data: null\n\n',
  'event: \ndata:\n\n',
  ': just a comment\n\n'
]

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 (tests only). `plan(index, path)` picks the fault for
 * the index-th request; everything else is forwarded to `target` as is.
 */
export async function startFaultProxy(
  target: string,
  plan: (index: number, path: string) => Fault
): Promise<FaultProxy> {
  const upstream = new URL(target)
  const applied: FaultProxy['applied'] = []
  const timers = new Set<ReturnType<typeof setTimeout>>()
  let garbageIndex = 0

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/'
    const fault = plan(applied.length, path)
    applied.push({ method: req.method ?? 'GET', path, fault })
    if (fault.kind === 'status') {
      res
        .writeHead(fault.status, { 'content-type': 'application/json' })
        .end(fault.body ?? '{"detail":"injected fault"}')
      return
    }
    const proxied = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: upstream.host }
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers)
        let sent = 0
        let frames = 0
        let carry = ''
        const kill = (): void => {
          upRes.destroy()
          res.socket?.destroy()
        }
        upRes.on('data', (chunk: Buffer) => {
          if (fault.kind === 'cut' || fault.kind === 'stall') {
            const room = fault.afterBytes - sent
            if (room <= 0) return
            if (chunk.length < room) {
              sent += chunk.length
              res.write(chunk)
              return
            }
            sent += room
            res.write(chunk.subarray(0, room))
            if (fault.kind === 'cut') {
              // End, not reset: a reset makes the client's kernel discard bytes it has not read
              // yet, so the partial frame would never reach the client and no cut would fall
              // mid-frame. FIN delivers every byte sent, then the connection is gone.
              upRes.destroy()
              res.socket?.end()
            } else {
              upRes.pause()
              const timer = setTimeout(() => {
                timers.delete(timer)
                kill()
              }, fault.ms)
              timers.add(timer)
            }
            return
          }
          if (fault.kind === 'garbage') {
            carry += chunk.toString('utf8')
            let boundary: number
            while ((boundary = carry.indexOf('\n\n')) >= 0) {
              res.write(carry.slice(0, boundary + 2))
              carry = carry.slice(boundary + 2)
              if (++frames % fault.everyFrames === 0) {
                res.write(GARBAGE_FRAMES[garbageIndex++ % GARBAGE_FRAMES.length] as string)
              }
            }
            return
          }
          res.write(chunk)
        })
        upRes.on('end', () => {
          if (carry) res.write(carry)
          res.end()
        })
        upRes.on('error', () => res.socket?.destroy())
      }
    )
    proxied.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end()
      else res.socket?.destroy()
    })
    req.pipe(proxied)
    res.on('close', () => proxied.destroy())
  }

  const server = createServer(handle)
  const url = await listenOnLoopback(server)
  return {
    url,
    applied,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A small seeded PRNG (mulberry32) so random fault schedules are reproducible from the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

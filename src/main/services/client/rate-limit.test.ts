import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { listenOnLoopback } from '../testing/loopback'
import { HttpTransport, type HttpOptions } from './http'

/** The console's backend client against a real 127.0.0.1 server that answers 429 (issue 10, item 9). */
describe('HttpTransport and 429 + Retry-After', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  /** A server refusing the first `refusals` requests with 429 and `retryAfter`, then answering `{ok:true}`. */
  async function server(refusals: number, retryAfter: string | null) {
    const seen: string[] = []
    const s = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      req.resume()
      if (seen.length <= refusals) {
        res.writeHead(429, {
          'content-type': 'application/json',
          ...(retryAfter === null ? {} : { 'retry-after': retryAfter })
        })
        res.end('{"detail":"Rate limit exceeded"}')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    const url = await listenOnLoopback(s)
    cleanups.push(() => new Promise<void>((resolve) => s.close(() => resolve())))
    return { url, seen }
  }

  const transport = (url: string, options: HttpOptions = {}) =>
    new HttpTransport(url, null, { backoffMs: 1, ...options })
  const Ok = z.object({ ok: z.literal(true) })
  /** GET /x through a transport with `options`: its answer, or the error it failed with. */
  const getX = (url: string, options: HttpOptions = {}) =>
    transport(url, options)
      .json({ method: 'GET', path: '/x' }, Ok)
      .catch((error: unknown) => error)

  it('sends a read again after the Retry-After it was given, and succeeds', async () => {
    // Three refusals: more than the network retries (2) would ride out.
    const s = await server(3, '0')
    expect(await getX(s.url)).toEqual({ ok: true })
    expect(s.seen).toEqual(['GET /x', 'GET /x', 'GET /x', 'GET /x'])
  })

  it('honours 429 without a Retry-After too (its own backoff), for idempotent POSTs (queries) as well', async () => {
    const s = await server(1, null)
    await expect(
      transport(s.url).json({ method: 'POST', path: '/q', body: {}, idempotent: true }, Ok)
    ).resolves.toEqual({ ok: true })
    expect(s.seen).toHaveLength(2)
  })

  it('gives up after a bounded number of retries with a rate_limited error that says when to retry', async () => {
    const s = await server(100, '0')
    const error = await getX(s.url, { rateLimitRetries: 3 })
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 0 })
    expect(String((error as Error).message)).toMatch(/rate limiting.*retry after 0 s/)
    expect(s.seen).toHaveLength(4)
  })

  it('does not wait out a Retry-After longer than its cap: the request fails at once', async () => {
    const s = await server(100, '1')
    const error = await getX(s.url, { maxRetryAfterMs: 500 })
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 1000 })
    expect(s.seen).toHaveLength(1)
    const date = await server(100, new Date(Date.now() + 3_600_000).toUTCString())
    expect(await getX(date.url)).toMatchObject({ code: 'rate_limited' })
    expect(date.seen).toHaveLength(1)
  })

  it('never sends a write again: a backend other than ours may have acted on it', async () => {
    const s = await server(1, '0')
    await expect(
      transport(s.url).json({ method: 'POST', path: '/w', body: {} }, Ok)
    ).rejects.toMatchObject({ code: 'rate_limited' })
    expect(s.seen).toEqual(['POST /w'])
  })
})

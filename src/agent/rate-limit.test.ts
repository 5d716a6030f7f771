import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { HttpStatusError } from './errors'
import { HttpClient } from './http'

/**
 * The agent SDK against a real 127.0.0.1 server answering 429 (issue 10, item 9): it waits out the
 * Retry-After and sends again (the engine refuses before doing anything, so even a transition is
 * safe to repeat), a bounded number of times, and does not wait longer than its cap.
 */
describe('HttpClient and 429 + Retry-After', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function server(refusals: number, retryAfter: string) {
    const seen: string[] = []
    const s = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      req.resume()
      if (seen.length <= refusals) {
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter })
          .end('{"detail":"Rate limit exceeded"}')
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      }
    })
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
    const client = new HttpClient({
      url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
      rateLimitRetries: 3
    })
    cleanups.push(async () => {
      client.close()
      s.closeAllConnections()
      await new Promise((resolve) => s.close(resolve))
    })
    return { client, seen }
  }

  it('sends a refused call again after its Retry-After, writes included', async () => {
    const { client, seen } = await server(3, '0')
    await expect(client.post('/identity/mission', { tags: {} })).resolves.toEqual({ ok: true })
    expect(seen).toEqual(Array.from({ length: 4 }, () => 'POST /api/neurorail/v1/identity/mission'))
  })

  it('gives up with the 429 after its bounded retries', async () => {
    const { client, seen } = await server(100, '0')
    const error = await client.get('/capabilities').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpStatusError)
    expect(error).toMatchObject({ status: 429, retryAfterMs: 0 })
    expect(seen).toHaveLength(4)
  })

  it('fails at once when the Retry-After is longer than it waits', async () => {
    const { client, seen } = await server(100, '3600')
    await expect(client.get('/capabilities')).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 3_600_000
    })
    expect(seen).toHaveLength(1)
  })
})

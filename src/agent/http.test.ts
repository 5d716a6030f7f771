import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CancelledError } from './errors'
import { HttpClient } from './http'

// A real server on 127.0.0.1. By default it refuses with 429 and a Retry-After longer than the
// test's own timeout, so a client that waited it out would fail the test instead of passing late.
describe('HttpClient.close', () => {
  let server: Server
  let url: string
  let requests = 0
  /** Replaces the default 429 answer for one test. */
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++
      if (handler) return handler(req, res)
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '9' })
      res.end(JSON.stringify({ detail: 'Rate limit exceeded' }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('ends a request waiting out a 429 at once, and refuses requests made after close', async () => {
    handler = null
    const client = new HttpClient({ url })
    const before = requests
    const pending = client.get('/capabilities')
    pending.catch(() => undefined)
    while (requests === before) await new Promise((resolve) => setTimeout(resolve, 5))
    client.close()
    // Cancelled, not resent after the Retry-After (9 s, beyond the test's timeout).
    await expect(pending).rejects.toBeInstanceOf(CancelledError)
    expect(requests).toBe(before + 1)
    const sent = requests
    await expect(client.post('/identity/mission', {})).rejects.toBeInstanceOf(CancelledError)
    expect(requests).toBe(sent)
  })

  // The earlier test's close() can land while the 429 is still on its way (under load it did,
  // about one run in nine): the in-flight request then died with "socket hang up", a retriable
  // NetworkError, although the agent itself had closed. Here close() lands in flight every time.
  it('ends a request still in flight with a CancelledError, not a network error', async () => {
    let client: HttpClient | null = null
    let answer: (() => void) | null = null
    handler = (_req, res) => {
      client?.close()
      answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{}')
      }
    }
    client = new HttpClient({ url })
    const outcome = await client.get('/capabilities').then(
      () => 'resolved',
      (err: unknown) => err
    )
    ;(answer as (() => void) | null)?.()
    expect(outcome).toBeInstanceOf(CancelledError)
    expect((outcome as CancelledError).message).toBe(
      'GET /capabilities was cut off: the agent is closed.'
    )
  })
})

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CancelledError } from './errors'
import { HttpClient } from './http'

// A real server on 127.0.0.1 that always refuses with 429 and a long Retry-After.
describe('HttpClient.close', () => {
  let server: Server
  let url: string
  let requests = 0
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '5' })
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
    const client = new HttpClient({ url })
    const before = requests
    const pending = client.get('/capabilities')
    pending.catch(() => undefined)
    while (requests === before) await new Promise((resolve) => setTimeout(resolve, 5))
    const started = Date.now()
    client.close()
    await expect(pending).rejects.toBeInstanceOf(CancelledError)
    // Not after the 5 s Retry-After.
    expect(Date.now() - started).toBeLessThan(2000)
    const sent = requests
    await expect(client.post('/identity/mission', {})).rejects.toBeInstanceOf(CancelledError)
    expect(requests).toBe(sent)
  })
})

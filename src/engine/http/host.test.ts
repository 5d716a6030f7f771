// DNS rebinding against the real engine: raw HTTP requests (fetch cannot set Host) carrying the
// Host a rebinding page would send.
import { request } from 'node:http'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'

function get(
  port: number,
  path: string,
  host: string | null,
  token: string
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` }
    if (host !== null) headers.Host = host
    const req = request(
      { host: '127.0.0.1', port, path, headers, setHost: host === null ? false : undefined },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

/** A plain TCP forward from a free loopback port to `target`, as `ssh -L` makes one. */
async function forwardTo(target: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => undefined)
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    // Ends the kept-alive connections too, as ssh does when the tunnel goes.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
  }
}

describe('Host check (DNS rebinding)', () => {
  let t: TestEngine
  beforeAll(async () => {
    t = await startTestEngine()
  })
  afterAll(() => t.stop())

  it('answers the loopback names with the served port', async () => {
    const port = t.engine.port
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect(
        (await get(port, '/api/neurorail/v1/capabilities', host, t.engine.adminToken)).status
      ).toBe(200)
    }
  })

  it('answers through a port forward (ssh -L, docker -p), where the browser names the forwarded port', async () => {
    const forward = await forwardTo(t.engine.port)
    try {
      for (const host of [`localhost:${forward.port}`, `127.0.0.1:${forward.port}`, 'localhost']) {
        expect(
          (await get(forward.port, '/api/neurorail/v1/capabilities', host, t.engine.adminToken))
            .status,
          host
        ).toBe(200)
      }
    } finally {
      await forward.close()
    }
  })

  it('refuses a rebinding Host with 421 even with a valid token, on every path, without echoing it', async () => {
    const port = t.engine.port
    for (const host of [
      `rebind.evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `engine.lan:${port}`
    ]) {
      for (const p of [
        '/api/neurorail/v1/capabilities',
        '/api/neurorail/v1/stream/events',
        '/nope'
      ]) {
        const res = await get(port, p, host, t.engine.adminToken)
        expect(res.status).toBe(421)
        expect(res.body).not.toContain('evil')
      }
    }
    // No Host at all: node:http itself answers 400 for HTTP/1.1; either way it is refused.
    expect([400, 421]).toContain(
      (await get(port, '/api/neurorail/v1/capabilities', null, t.engine.adminToken)).status
    )
  })

  it('answers hosts on the allow-list, and refuses a bad allow-list at start', async () => {
    const proxied = await startTestEngine({ allowedHosts: ['deck.example.com'] })
    try {
      const res = await get(
        proxied.engine.port,
        '/api/neurorail/v1/capabilities',
        'deck.example.com',
        proxied.engine.adminToken
      )
      expect(res.status).toBe(200)
    } finally {
      await proxied.stop()
    }
    await expect(startTestEngine({ allowedHosts: ['http://deck.example.com/'] })).rejects.toThrow(
      /not a host name/
    )
  })
})

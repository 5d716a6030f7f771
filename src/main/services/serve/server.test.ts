import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConsoleService, type ConsoleService } from '../console-service'
import { startBrowserServer, type BrowserServer } from './server'

let dir: string
let service: ConsoleService
let server: BrowserServer
const logged: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cd-serve-'))
  const rendererDir = path.join(dir, 'renderer')
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true })
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>shell</title>')
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  // A file beside the served folder that traversal attempts aim at.
  await writeFile(path.join(dir, 'secret.txt'), 'top secret')
  service = createConsoleService({
    dataDir: dir,
    transport: 'browser',
    appVersion: '9.9.9-test',
    localEngine: null,
    log: (message) => logged.push(message)
  })
  server = await startBrowserServer({ service, rendererDir, port: 0, heartbeatMs: 200 })
})

afterAll(async () => {
  await server.close()
  await service.dispose()
  await rm(dir, { recursive: true, force: true })
})

function call(method: string, body: string, token: string | null = server.token, headers = {}) {
  return fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers
    },
    body
  })
}

interface ApiBody {
  ok: boolean
  result?: unknown
  error?: { code: string; message: string }
}

async function bodyOf(res: Response): Promise<ApiBody> {
  return (await res.json()) as ApiBody
}

/** A raw GET that keeps the path exactly as written (fetch would normalise `..`). */
function rawGet(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: rawPath }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('browser-mode server', () => {
  it('binds to loopback and prints a URL that carries the token', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).toBe(`${server.origin}/?token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers 401 without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong', `${server.token}x`]) {
      const res = await call('getAppInfo', '{}', token)
      expect(res.status).toBe(401)
      const body = await bodyOf(res)
      expect(body).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    }
    // The token in the query string is accepted only by the event stream.
    const res = await fetch(`${server.origin}/api/getAppInfo?token=${server.token}`, {
      method: 'POST',
      body: '{}'
    })
    expect(res.status).toBe(401)
  })

  it('runs getAppInfo with the token', async () => {
    const res = await call('getAppInfo', '{}')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    const body = await bodyOf(res)
    expect(body).toEqual({
      ok: true,
      result: {
        name: 'ControlDeck',
        version: '9.9.9-test',
        transport: 'browser',
        platform: process.platform,
        dataDir: dir,
        localEngineUrl: null
      }
    })
  })

  it('answers 400 with the schema message on bad input and on bad JSON', async () => {
    const res = await call('getAppInfo', '"not an object"')
    expect(res.status).toBe(400)
    const body = await bodyOf(res)
    expect(body.ok).toBe(false)
    expect(body.error?.code).toBe('invalid_input')
    expect(body.error?.message).toMatch(/expected object/i)

    const bad = await call('getAppInfo', '{"unclosed":')
    expect(bad.status).toBe(400)
    expect((await bodyOf(bad)).error?.message).toMatch(/not valid JSON/)
  })

  it('answers 404 for an unknown method', async () => {
    const res = await call('noSuchMethod', '{}')
    expect(res.status).toBe(404)
    expect((await bodyOf(res)).error?.code).toBe('unknown_method')
  })

  it('answers 413 for a body over 1 MB', async () => {
    const res = await call('getAppInfo', JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }))
    expect(res.status).toBe(413)
    expect((await bodyOf(res)).error?.code).toBe('payload_too_large')
  })

  it('refuses a call from another origin even with the token', async () => {
    const res = await call('getAppInfo', '{}', server.token, { Origin: 'http://evil.example' })
    expect(res.status).toBe(403)
  })

  it('delivers pushed events over SSE and refuses the stream without a token', async () => {
    const denied = await fetch(`${server.origin}/api/events`)
    expect(denied.status).toBe(401)

    const controller = new AbortController()
    const res = await fetch(`${server.origin}/api/events?token=${server.token}`, {
      signal: controller.signal
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const read = async (until: string) => {
      while (!text.includes(until)) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`stream ended before ${until}`)
        text += decoder.decode(value, { stream: true })
      }
    }
    await read(': connected')
    // An invalid payload is dropped on the main side, the valid one after it arrives.
    service.context.events.emit('onDeepLink', { path: '' })
    service.context.events.emit('onDeepLink', { path: 'trace/m_1' })
    await read('trace/m_1"}\n\n')
    expect(text).toContain('event: onDeepLink\ndata: {"path":"trace/m_1"}\n\n')
    expect(text.match(/event: onDeepLink/g)).toHaveLength(1)
    expect(logged.some((line) => line.includes('dropped invalid onDeepLink'))).toBe(true)
    await read(': heartbeat')
    controller.abort()
  })

  it('serves the renderer with security headers', async () => {
    const res = await fetch(`${server.origin}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toContain('<title>shell</title>')

    const js = await fetch(`${server.origin}/assets/app.js`)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe('console.log(1)')

    // Client-side routes fall back to the shell; missing assets do not.
    expect((await fetch(`${server.origin}/audit`)).status).toBe(200)
    expect((await fetch(`${server.origin}/assets/missing.js`)).status).toBe(404)
  })

  it('refuses path traversal', async () => {
    for (const attempt of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '/%E0%A4%A'
    ]) {
      const res = await rawGet(attempt)
      expect(res.body, attempt).not.toContain('top secret')
      expect(res.status, attempt).toBe(404)
    }
  })
})

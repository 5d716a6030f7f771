import { request } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConsoleFailure } from '../../../shared/console/errors'
import type { ConsoleService } from '../console-service'
import { createTestConsole } from '../testing/test-console'
import { startTempBrowserServer, type TempBrowserServer } from '../testing/browser-server'
import { startBrowserServer, type BrowserServer } from './server'

let temp: TempBrowserServer
let dir: string
let service: ConsoleService
let server: BrowserServer
const logged: string[] = []
/** The sign-in codes' clock: a test moves it forward instead of waiting a minute. */
let clock = Date.now()

beforeAll(async () => {
  temp = await startTempBrowserServer('cd-serve-', {
    files: {
      'renderer/index.html': '<!doctype html><title>shell</title>',
      'renderer/assets/app.js': 'console.log(1)',
      // A file beside the served folder that traversal attempts aim at.
      'secret.txt': 'top secret'
    },
    rendererDir: 'renderer',
    console: { appVersion: '9.9.9-test', log: (message) => logged.push(message) },
    server: { port: 0, heartbeatMs: 200, now: () => clock }
  })
  ;({ dir, service, server } = temp)
})

afterAll(async () => {
  await temp?.close()
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

interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A raw request that keeps the path and headers exactly as written (fetch would normalise `..`
 * and picks the Host header itself).
 */
function raw(
  rawPath: string,
  options: {
    method?: string
    headers?: Record<string, string>
    body?: string
    setHost?: boolean
  } = {}
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: rawPath,
        method: options.method ?? 'GET',
        headers: options.headers,
        setHost: options.setHost ?? true
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

function rawGet(rawPath: string): Promise<RawAnswer> {
  return raw(rawPath)
}

/** Opens a sign-in address as a browser would (no redirect followed) and returns the answer. */
function openLogin(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { pathname, search } = new URL(url)
  return raw(pathname + search, { headers })
}

/** The `name=value` part of the Set-Cookie of an answer. */
function cookieOf(answer: RawAnswer): string {
  const set = answer.headers['set-cookie']
  const first = Array.isArray(set) ? set[0] : set
  const [pair] = first?.split(';') ?? []
  if (!pair) throw new Error('no Set-Cookie')
  return pair
}

/** A method call authenticated by a session cookie, as the page's own fetch sends it. */
function callWithCookie(
  cookie: string,
  headers: Record<string, string> = {},
  method = 'getAppInfo'
) {
  return raw(`/api/${method}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Cookie: cookie,
      'Sec-Fetch-Site': 'same-origin',
      ...headers
    },
    body: '{}'
  })
}

describe('browser-mode server', () => {
  it('binds to loopback and prints a one-time sign-in address, never the token', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).toMatch(new RegExp(`^${server.origin}/login\\?code=[A-Za-z0-9_-]{32}$`))
    expect(server.url).not.toContain(server.token)
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers 401 without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong', `${server.token}x`]) {
      const res = await call('getAppInfo', '{}', token)
      expect(res.status).toBe(401)
      const body = await bodyOf(res)
      expect(body).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    }
    // The token is never taken from a URL, not even by the event stream.
    const res = await fetch(`${server.origin}/api/getAppInfo?token=${server.token}`, {
      method: 'POST',
      body: '{}'
    })
    expect(res.status).toBe(401)
    expect((await fetch(`${server.origin}/api/events?token=${server.token}`)).status).toBe(401)
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
    const res = await fetch(`${server.origin}/api/events`, {
      headers: { Authorization: `Bearer ${server.token}` },
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

describe('browser-mode sign-in: a one-time code for an HttpOnly, SameSite=Strict cookie', () => {
  it('exchanges a code once for a session cookie and sends the browser on to / without it', async () => {
    const first = await openLogin(server.loginUrl())
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    expect(first.headers['cache-control']).toBe('no-store')
    const setCookie = String(first.headers['set-cookie'])
    expect(setCookie).toMatch(new RegExp(`^controldeck_session_${server.port}=[A-Za-z0-9_-]{43}; `))
    const attributes = setCookie.split(';').map((a) => a.trim().toLowerCase())
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']))
    // A session cookie: gone with the browser session, never written to disk with an expiry.
    expect(attributes.some((a) => a.startsWith('max-age') || a.startsWith('expires'))).toBe(false)
    expect(setCookie).not.toContain(server.token)

    const answer = await callWithCookie(cookieOf(first))
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, result: { transport: 'browser' } })
  })

  it('refuses a code the second time, and an expired one', async () => {
    const url = server.loginUrl()
    expect((await openLogin(url)).status).toBe(303)
    const again = await openLogin(url)
    expect(again.status).toBe(401)
    expect(again.headers['set-cookie']).toBeUndefined()
    expect(again.body).toMatch(/already been used or has expired/)

    const late = server.loginUrl()
    clock += 60_001
    const expired = await openLogin(late)
    expect(expired.status).toBe(401)
    expect(expired.headers['set-cookie']).toBeUndefined()
    // Refused for good: the clock going back does not revive it.
    clock -= 60_001
    expect((await openLogin(late)).status).toBe(401)

    for (const bad of [
      '/login',
      '/login?code=',
      `/login?code=${server.token}`,
      '/login?code=x%00y'
    ]) {
      const answer = await rawGet(bad)
      expect(answer.status, bad).toBe(401)
      expect(answer.headers['set-cookie'], bad).toBeUndefined()
    }
  })

  it('lets a signed-in browser reopen a spent address, and no cookie but its own count', async () => {
    const url = server.loginUrl()
    const cookie = cookieOf(await openLogin(url))
    const reopened = await openLogin(url, { Cookie: cookie })
    expect(reopened.status).toBe(303)
    expect(reopened.headers['set-cookie']).toBeUndefined()
    const forged = `controldeck_session_${server.port}=${'A'.repeat(43)}`
    expect((await callWithCookie(forged)).status).toBe(401)
    // Another port's cookie of the same name pattern is another server's.
    const [, value] = cookie.split('=')
    expect((await callWithCookie(`controldeck_session_${server.port + 1}=${value}`)).status).toBe(
      401
    )
  })

  it('holds cookie-carried calls against cross-site forgery', async () => {
    const cookie = cookieOf(await openLogin(server.loginUrl()))
    // A form post or a no-cors fetch can only send simple content types.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x'
    ]) {
      const answer = await callWithCookie(cookie, { 'Content-Type': type })
      expect(answer.status, type).toBe(403)
      expect(JSON.parse(answer.body).error.code).toBe('forbidden_origin')
    }
    expect((await callWithCookie(cookie, { 'Sec-Fetch-Site': 'same-site' })).status).toBe(403)
    expect((await callWithCookie(cookie, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403)
    expect((await callWithCookie(cookie, { Origin: 'http://127.0.0.1:1' })).status).toBe(403)
    expect((await callWithCookie(cookie, { Origin: server.origin })).status).toBe(200)
  })

  it('streams events to a browser by its cookie alone', async () => {
    const cookie = cookieOf(await openLogin(server.loginUrl()))
    const controller = new AbortController()
    const res = await fetch(`${server.origin}/api/events`, {
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' },
      signal: controller.signal
    })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    while (!text.includes(': connected'))
      text += decoder.decode((await reader.read()).value, { stream: true })
    service.context.events.emit('onDeepLink', { path: 'trace/m_cookie' })
    while (!text.includes('trace/m_cookie'))
      text += decoder.decode((await reader.read()).value, { stream: true })
    controller.abort()
  })

  it('gives a caller with the token a new sign-in address, and nobody else', async () => {
    const denied = await raw('/login-link', { method: 'POST' })
    expect(denied.status).toBe(401)
    const answer = await raw('/login-link', {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}` }
    })
    expect(answer.status).toBe(200)
    const { url } = (JSON.parse(answer.body) as { result: { url: string } }).result
    expect((await openLogin(url)).status).toBe(303)
  })
})

describe('browser-mode Host check (DNS rebinding)', () => {
  it('refuses every request whose Host is not this server, static files and the token included', async () => {
    for (const host of [
      `attacker.example:${server.port}`,
      `127.0.0.1.nip.io:${server.port}`,
      `deck.lan:${server.port}`
    ]) {
      const page = await raw('/', { headers: { Host: host } })
      expect(page.status, host).toBe(403)
      expect(page.body, host).not.toContain('<title>shell</title>')
      expect(JSON.parse(page.body).error.code).toBe('forbidden_host')
      const api = await raw('/api/getAppInfo', {
        method: 'POST',
        headers: {
          Host: host,
          Authorization: `Bearer ${server.token}`,
          'Content-Type': 'application/json'
        },
        body: '{}'
      })
      expect(api.status, host).toBe(403)
      const login = new URL(server.loginUrl())
      const signIn = await raw(login.pathname + login.search, { headers: { Host: host } })
      expect(signIn.headers['set-cookie'], host).toBeUndefined()
    }
  })

  it('refuses a request without a Host header', async () => {
    // Node's HTTP parser answers 400 itself; either way nothing is served.
    const answer = await raw('/', { setHost: false })
    expect([400, 403]).toContain(answer.status)
    expect(answer.body).not.toContain('<title>shell</title>')
  })

  it('answers the loopback names of its own port, and of a port forward to it (ssh -L 9000:…)', async () => {
    // Through a forward the browser names the forwarded port; no other page can send a loopback name.
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      `localhost:${server.port + 1}`
    ]) {
      const page = await raw('/', { headers: { Host: host } })
      expect(page.status, host).toBe(200)
      expect(page.body).toContain('<title>shell</title>')
    }
  })
})

describe('browser-mode error path', () => {
  it('answers a failure whose details cannot be encoded with a 500 internal and keeps serving', async () => {
    let deep: Record<string, unknown> = { leaf: true }
    for (let i = 0; i < 200_000; i++) deep = { d: deep }
    const failing = createTestConsole(dir, {
      // A handler that fails with details no JSON.stringify survives (as a hostile backend's might).
      handlerFactories: [
        () => ({
          handlers: {
            getAppInfo: () =>
              Promise.reject(
                new ConsoleFailure({
                  code: 'conflict',
                  message: 'deep',
                  retriable: false,
                  details: deep
                })
              ),
            takeLaunchDeepLink: async () => ({ link: null })
          }
        })
      ]
    })
    const own = await startBrowserServer({
      service: failing,
      rendererDir: path.join(dir, 'renderer')
    })
    try {
      const post = (method: string) =>
        fetch(`${own.origin}/api/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${own.token}`, 'Content-Type': 'application/json' },
          body: '{}'
        })
      const res = await post('getAppInfo')
      expect(res.status).toBe(500)
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'internal' } })
      const after = await post('takeLaunchDeepLink')
      expect(await after.json()).toEqual({ ok: true, result: { link: null } })
    } finally {
      await own.close()
      await failing.dispose()
    }
  })
})

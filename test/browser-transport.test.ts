// The renderer's HTTP transport against the real browser-mode server (real HTTP and SSE on
// 127.0.0.1), under Node: the `eventsource` package stands in for the browser's EventSource and a
// small cookie jar for the browser's. Lives outside src/ because it deliberately spans the
// renderer and main/services layers.
import { EventSource } from 'eventsource'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserServer } from '../src/main/services/serve/server'
import {
  startTempBrowserServer,
  type TempBrowserServer
} from '../src/main/services/testing/browser-server'
import { ConsoleCallError, createHttpConsoleApi } from '../src/renderer/src/api'

let temp: TempBrowserServer
let server: BrowserServer

beforeAll(async () => {
  temp = await startTempBrowserServer('cd-transport-', { console: { appVersion: '0.0.1' } })
  server = temp.server
})

afterAll(async () => {
  await temp?.close()
})

/** What a browser does with the printed address: follows it once and keeps the cookie it gets. */
async function signIn(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' })
  expect(res.status).toBe(303)
  const cookie = res.headers.get('set-cookie')
  const [pair] = cookie?.split(';') ?? []
  if (!pair) throw new Error('no session cookie')
  return pair
}

/**
 * The client as a page runs it, with `cookie` sent the way the browser sends a same-origin
 * cookie; or, with `token`, as a script runs it.
 */
function client(auth: { cookie?: string; token?: string | null }) {
  const withCookie = (init: RequestInit = {}): RequestInit =>
    auth.cookie
      ? { ...init, headers: { ...(init.headers as Record<string, string>), Cookie: auth.cookie } }
      : init
  const cookieFetch: typeof fetch = (input, init) => fetch(input, withCookie(init))
  class BrowserEventSource extends EventSource {
    constructor(url: string) {
      super(url, {
        fetch: (input, init) =>
          fetch(
            input,
            withCookie({
              ...init,
              headers: {
                ...init.headers,
                ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {})
              }
            })
          )
      })
    }
  }
  return createHttpConsoleApi({
    origin: server.origin,
    token: auth.token,
    fetch: cookieFetch,
    EventSource: BrowserEventSource as unknown as new (url: string) => globalThis.EventSource
  })
}

describe('renderer HTTP transport', () => {
  it('calls methods with the session cookie of a one-time address, and with the token', async () => {
    const cookie = await signIn(server.url)
    const info = await client({ cookie }).getAppInfo({})
    expect(info.transport).toBe('browser')
    expect(info.version).toBe('0.0.1')
    expect((await client({ token: server.token }).getAppInfo({})).transport).toBe('browser')
  })

  it('rejects with a ConsoleCallError carrying the server error', async () => {
    const error = await client({ token: 'wrong' })
      .getAppInfo({})
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleCallError)
    expect(error).toMatchObject({ code: 'unauthorized', retriable: false })

    const bad = await client({ token: server.token })
      .getAppInfo('nope' as never)
      .catch((e: unknown) => e)
    expect(bad).toMatchObject({ code: 'invalid_input' })
    expect((bad as Error).message).toMatch(/expected object/i)

    // A page nobody signed in: the server's sentence says what to open.
    const none = await client({})
      .getAppInfo({})
      .catch((e: unknown) => e)
    expect(none).toMatchObject({ code: 'unauthorized' })
    expect((none as Error).message).toContain('controldeck serve')
  })

  it('delivers events over the cookie-authenticated stream to every listener until it unsubscribes', async () => {
    const api = client({ cookie: await signIn(server.loginUrl()) })
    const first: unknown[] = []
    const second: unknown[] = []
    const stopFirst = api.onDeepLink((payload) => first.push(payload))
    const arrived = new Promise<void>((resolve) => {
      api.onDeepLink((payload) => {
        second.push(payload)
        if (second.length === 2) resolve()
      })
    })
    // The stream must be open before events are sent: wait for the server to count the client.
    await expect.poll(() => server.eventStreamCount()).toBe(1)
    temp.service.context.events.emit('onDeepLink', { path: 'trace/m_1' })
    await expect.poll(() => first.length).toBe(1)
    stopFirst()
    temp.service.context.events.emit('onDeepLink', { path: 'trace/m_2' })
    await arrived
    expect(first).toEqual([{ path: 'trace/m_1' }])
    expect(second).toEqual([{ path: 'trace/m_1' }, { path: 'trace/m_2' }])
  })
})

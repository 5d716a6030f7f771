// The renderer's HTTP transport against the real browser-mode server (real HTTP and SSE on
// 127.0.0.1), under Node: the `eventsource` package stands in for the browser's EventSource.
// Lives outside src/ because it deliberately spans the renderer and main/services layers.
import { EventSource } from 'eventsource'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConsoleService, type ConsoleService } from '../src/main/services/console-service'
import { startBrowserServer, type BrowserServer } from '../src/main/services/serve/server'
import { ConsoleCallError, createHttpConsoleApi } from '../src/renderer/src/api'

let dir: string
let service: ConsoleService
let server: BrowserServer

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cd-transport-'))
  service = createConsoleService({
    dataDir: dir,
    transport: 'browser',
    appVersion: '0.0.1',
    localEngine: null,
    log: () => {}
  })
  server = await startBrowserServer({ service, rendererDir: dir })
})

afterAll(async () => {
  await server.close()
  await service.dispose()
  await rm(dir, { recursive: true, force: true })
})

function client(token: string | null) {
  return createHttpConsoleApi({
    origin: server.origin,
    token,
    EventSource: EventSource as unknown as new (url: string) => globalThis.EventSource
  })
}

describe('renderer HTTP transport', () => {
  it('calls methods and resolves with the parsed result', async () => {
    const info = await client(server.token).getAppInfo({})
    expect(info.transport).toBe('browser')
    expect(info.version).toBe('0.0.1')
  })

  it('rejects with a ConsoleCallError carrying the server error', async () => {
    const error = await client('wrong').getAppInfo({}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsoleCallError)
    expect(error).toMatchObject({ code: 'unauthorized', retriable: false })

    const bad = await client(server.token)
      .getAppInfo('nope' as never)
      .catch((e: unknown) => e)
    expect(bad).toMatchObject({ code: 'invalid_input' })
    expect((bad as Error).message).toMatch(/expected object/i)

    const none = await client(null).getAppInfo({}).catch((e: unknown) => e)
    expect(none).toMatchObject({ code: 'unauthorized' })
    expect((none as Error).message).toContain('controldeck serve')
  })

  it('delivers events to every listener until it unsubscribes', async () => {
    const api = client(server.token)
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
    service.context.events.emit('onDeepLink', { path: 'trace/m_1' })
    await expect.poll(() => first.length).toBe(1)
    stopFirst()
    service.context.events.emit('onDeepLink', { path: 'trace/m_2' })
    await arrived
    expect(first).toEqual([{ path: 'trace/m_1' }])
    expect(second).toEqual([{ path: 'trace/m_1' }, { path: 'trace/m_2' }])
  })
})

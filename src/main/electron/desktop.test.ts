// The real Electron main process (src/main/electron/index.ts) under Node: 'electron' is the
// stand-in of ./testing/electron-stand-in (a boundary we do not own); the services, the embedded
// engine, its SQLite files and the console cache are the real ones, on a temp data folder.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { CONSOLE_METHODS } from '../../shared/console/api'
import { methodChannel } from '../../shared/console/ipc'
import { RENDERER_CSP } from '../services/serve/csp'
import { waitFor } from '../services/testing/wait'
import { ipc, network, standIn } from './testing/electron-stand-in'
import {
  call,
  eachTestInFreshApp,
  freshApp,
  launch,
  nonEmptyWals,
  quit
} from './testing/launch-main'

vi.mock('electron', () => import('./testing/electron-stand-in'))

const temp = eachTestInFreshApp('cd-desktop-')

describe('the Electron main process under the stand-in', () => {
  it('starts the engine, opens a hardened window, serves every method to its top frame only, takes deep links and quits cleanly', async () => {
    const window = await launch()
    const contents = window.webContents

    // The engine started in this data folder and the services know it.
    expect(existsSync(path.join(temp.dir, 'engine.db'))).toBe(true)
    const info = await call(contents, 'getAppInfo')
    expect(info.ok).toBe(true)
    const appInfo = (
      info as { result: { transport: string; localEngineUrl: string | null; dataDir: string } }
    ).result
    expect(appInfo.transport).toBe('electron')
    expect(appInfo.localEngineUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(appInfo.dataDir).toBe(temp.dir)

    // Hardened window options: isolation, sandbox and web security on; Node, webviews and
    // insecure content off.
    const prefs = window.options.webPreferences as Record<string, unknown>
    const on = ['contextIsolation', 'sandbox', 'webSecurity']
    const off = [
      'nodeIntegration',
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'webviewTag',
      'allowRunningInsecureContent'
    ]
    expect(prefs).toMatchObject(
      Object.fromEntries([...on.map((key) => [key, true]), ...off.map((key) => [key, false])])
    )
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/)
    expect(window.loadedUrls[0]).toMatch(/^file:\/\/.*\/renderer\/index\.html/)

    // No navigation away, no new windows (https goes to the browser), no foreign downloads.
    expect(contents.navigate('https://evil.example/').prevented).toBe(true)
    expect(contents.openWindow('https://docs.example/')).toBe('deny')
    expect(contents.openWindow('file:///etc/passwd')).toBe('deny')
    expect(standIn().calls).toContainEqual({
      what: 'shell.openExternal',
      args: ['https://docs.example/']
    })
    expect(standIn().calls.filter((c) => c.what === 'shell.openExternal')).toHaveLength(1)
    expect(network.download('https://evil.example/x.exe', contents)).toBe(true)

    // Every ConsoleApi method has a handler, and nothing else is registered.
    const channels = ipc.channels().sort()
    expect(channels).toEqual(Object.keys(CONSOLE_METHODS).map(methodChannel).sort())

    // Our window's top frame reaches the service; a sub-frame, another page or a stranger does not.
    const envs = await call(contents, 'listEnvironments')
    expect(envs.ok).toBe(true)
    const fromIframe = await call(contents, 'listEnvironments', {}, { topFrame: false })
    expect(fromIframe).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    const fromOtherOrigin = await call(
      contents,
      'listEnvironments',
      {},
      { frameUrl: 'https://evil.example/' }
    )
    expect(fromOtherOrigin).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } })
    const { StandInWebContents: Contents } = await import('./testing/electron-stand-in')
    const stranger = new Contents()
    stranger.mainFrame.url = contents.getURL()
    expect(await call(stranger, 'listEnvironments')).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' }
    })
    // Input is validated before a service sees it.
    expect(await call(contents, 'getAppInfo', 42)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' }
    })

    // A second instance with a deep link brings the window forward and delivers the link.
    window.minimize()
    standIn().app.emitSecondInstance([
      '/usr/lib/electron/electron',
      '/opt/controldeck',
      'controldeck://trace/m_0123456789ab'
    ])
    expect(window.isMinimized()).toBe(false)
    expect(window.isFocused()).toBe(true)
    await waitFor(
      () =>
        contents
          .pushedEvents()
          .some(
            ([name, p]) =>
              name === 'onDeepLink' && (p as { path: string }).path === 'trace/m_0123456789ab'
          ),
      'the deep link to reach the page'
    )
    // macOS delivers links as open-url.
    expect(standIn().app.emitOpenUrl('controldeck://audit')).toBe(true)
    await waitFor(
      () =>
        contents
          .pushedEvents()
          .some(([name, p]) => name === 'onDeepLink' && (p as { path: string }).path === 'audit'),
      'the open-url link to reach the page'
    )

    // Quitting closes the services and the engine; every SQLite file is checkpointed.
    await quit()
    await expect(fetch(`${appInfo.localEngineUrl}/api/neurorail/v1/capabilities`)).rejects.toThrow()
    expect(nonEmptyWals(temp.dir)).toEqual([])
    expect(readFileSync(path.join(temp.dir, 'engine.db')).subarray(0, 15).toString()).toBe(
      'SQLite format 3'
    )
  })

  it('sends the page CSP as a header, strict, and grants no permission but clipboard writes to our page', async () => {
    const window = await launch()
    const headers = await network.responseHeaders(window.webContents.getURL(), {
      'Content-Type': ['text/html']
    })
    const csp = headers['Content-Security-Policy']
    expect(csp).toEqual([RENDERER_CSP])
    const [policy = ''] = csp ?? []

    // The page's meta CSP (src/renderer/index.html) says the same; the header only adds what a
    // <meta> cannot carry (frame-ancestors).
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeDefined()
    const directives = (policy: string) =>
      policy
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .sort()
    expect(directives(policy).filter((d) => !d.startsWith('frame-ancestors'))).toEqual(
      directives(meta!)
    )
    expect(directives(policy)).toContain("frame-ancestors 'none'")
    // Strict: nothing inline, nothing evaluated, no wildcard hosts beyond the loopback engine.
    expect(policy).not.toMatch(
      /unsafe-inline|unsafe-eval|\bdata:.*script|\*\.|https?:\/\/(?!127\.0\.0\.1:\*)/
    )
    expect(policy).toMatch(/default-src 'self'/)
    expect(policy).toMatch(/object-src 'none'/)
    expect(headers['X-Content-Type-Options']).toEqual(['nosniff'])

    const page = window.webContents.getURL()
    for (const permission of [
      'notifications',
      'media',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'pointerLock',
      'midi',
      'hid',
      'serial',
      'usb'
    ]) {
      expect(await network.requestPermission(permission, page), permission).toBe(false)
      expect(network.checkPermission(permission, page), permission).toBe(false)
    }
    expect(await network.requestPermission('clipboard-sanitized-write', page)).toBe(true)
    expect(
      await network.requestPermission('clipboard-sanitized-write', 'https://evil.example/')
    ).toBe(false)
  })

  it('trusts ELECTRON_RENDERER_URL only under `npm run dev` (flag set) and only on loopback', async () => {
    const cases = [
      { env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' }, dev: false },
      {
        env: { ELECTRON_RENDERER_URL: 'https://evil.example', CONTROLDECK_DEV_SERVER: '1' },
        dev: false
      },
      {
        env: { ELECTRON_RENDERER_URL: 'http://192.168.1.9:5173', CONTROLDECK_DEV_SERVER: '1' },
        dev: false
      },
      {
        env: { ELECTRON_RENDERER_URL: 'http://localhost:5173', CONTROLDECK_DEV_SERVER: '1' },
        dev: true
      }
    ]
    for (const { env, dev } of cases) {
      freshApp()
      Object.assign(process.env, env)
      const window = await launch()
      const origin = new URL(env.ELECTRON_RENDERER_URL).origin
      const label = JSON.stringify(env)
      expect(window.loadedUrls[0]?.startsWith(origin), label).toBe(dev)
      const fromThatOrigin = await call(
        window.webContents,
        'getAppInfo',
        {},
        { frameUrl: `${origin}/` }
      )
      expect(fromThatOrigin.ok, label).toBe(dev)
      const [csp = ''] =
        (await network.responseHeaders(`${origin}/`))['Content-Security-Policy'] ?? []
      expect(csp.includes(origin.replace(/^http/, 'ws')), label).toBe(dev)
      if (!dev) expect(csp, label).toBe(RENDERER_CSP)
      await quit()
      delete process.env.ELECTRON_RENDERER_URL
      delete process.env.CONTROLDECK_DEV_SERVER
    }
  })

  it('keeps the OTLP ingest token in main and reads bundle files through the native dialog', async () => {
    const contents = (await launch()).webContents

    // The token goes to the user's clipboard from main; the page learns only that it was copied.
    const copied = await call(contents, 'copyOtlpIngestToken')
    expect(copied).toEqual({ ok: true, result: { copied: true } })
    const token = standIn().clipboardText
    expect(token.length).toBeGreaterThan(16)
    const endpoint = await call(contents, 'getOtlpEndpoint')
    expect(endpoint).toMatchObject({ ok: true, result: { available: true, hasToken: true } })
    expect(JSON.stringify(endpoint)).not.toContain(token)

    // The file the operator picks is read in main, bounded and validated; the page gets the verdict.
    standIn().chooseInDialog(null)
    expect(await call(contents, 'openIncidentBundleFile')).toEqual({
      ok: true,
      result: { bundle: null }
    })
    const notABundle = path.join(temp.dir, 'not-a-bundle.json')
    writeFileSync(notABundle, '{"hello":"world"}')
    standIn().chooseInDialog(notABundle)
    expect(await call(contents, 'openIncidentBundleFile')).toMatchObject({
      ok: false,
      error: { code: 'invalid_bundle' }
    })
    standIn().chooseInDialog(temp.dir)
    expect(await call(contents, 'openIncidentBundleFile')).toMatchObject({
      ok: false,
      error: { code: 'invalid_bundle' }
    })
  })

  it('hands the link it was launched with to the page once, and quits when its last window closes', async () => {
    const window = await launch(['controldeck://trace/j_0123456789ab'])
    expect(await call(window.webContents, 'takeLaunchDeepLink')).toEqual({
      ok: true,
      result: { link: { path: 'trace/j_0123456789ab' } }
    })
    expect(await call(window.webContents, 'takeLaunchDeepLink')).toEqual({
      ok: true,
      result: { link: null }
    })

    // Linux and Windows end the app with its last window; the engine and cache close cleanly.
    window.close()
    await waitFor(() => standIn().app.quitted, 'the app to quit with its last window', 15_000)
    expect(nonEmptyWals(temp.dir)).toEqual([])
  })
})

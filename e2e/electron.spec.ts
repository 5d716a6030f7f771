// The packaged-app path: the built main/preload/renderer in real Electron through Playwright's
// `_electron`. Machines without an Electron binary (no download possible) skip with one line; the
// same path runs everywhere under the Electron stand-in (src/main/electron/desktop.test.ts):
// ready → engine → hardened window → IPC from our top frame only → second instance with a deep
// link → quit with every SQLite file checkpointed.
/// <reference lib="dom" />
import { _electron as electron, expect, test } from '@playwright/test'
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findElectronBinary } from '../scripts/electron-binary.mjs'
import { prepareNativeModules } from '../scripts/native-sqlite.mjs'

/** SQLite WAL files under `dir` that still hold frames (none once every database closed cleanly). */
function nonEmptyWals(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name)
    if (name.endsWith('-wal') && statSync(full).size > 0) out.push(full)
  }
  return out
}

const found = findElectronBinary()
if (!found.path) {
  console.log(`electron e2e skipped: ${found.reason}`)
}

test.describe('Electron app', () => {
  test.skip(!found.path, `no Electron binary: ${found.reason}`)

  // The embedded engine needs better-sqlite3 built for this Electron (as `npm start` prepares it).
  test.beforeAll(async () => {
    if (found.path) await prepareNativeModules(found.version)
  })

  test('opens a hardened window whose page reaches ConsoleApi only through the preload', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-electron-'))
    const args = [path.resolve('.')]
    // Chromium refuses to run as root with its OS sandbox; the renderer sandbox flag still applies.
    if (process.getuid?.() === 0) args.unshift('--no-sandbox')
    const app = await electron.launch({
      executablePath: found.path,
      args,
      env: { ...process.env, CONTROLDECK_DATA_DIR: dataDir }
    })
    try {
      const win = await app.firstWindow()
      await expect(win.locator('#root > *').first()).toBeVisible()

      const page = await win.evaluate(async () => {
        const api = (window as unknown as { controldeck?: Record<string, unknown> }).controldeck
        const info = await (
          api?.getAppInfo as (
            input: object
          ) => Promise<{ transport: string; localEngineUrl: string | null }>
        )({})
        const bad = await (api?.getAppInfo as (input: unknown) => Promise<unknown>)(42).catch(
          (error: unknown) => error
        )
        return {
          apiKeys: api ? Object.keys(api) : [],
          hasRequire: typeof (window as unknown as { require?: unknown }).require,
          hasProcess: typeof (window as unknown as { process?: unknown }).process,
          hasIpc: api ? 'ipcRenderer' in api || 'invoke' in api : false,
          // contextBridge hands the page a frozen copy; without isolation exposeInMainWorld throws.
          frozen: api ? Object.isFrozen(api) : false,
          transport: info.transport,
          engineUrl: info.localEngineUrl,
          badCode: (bad as { code?: string }).code
        }
      })
      // The embedded engine started (better-sqlite3 for Electron loaded through nativeBinding).
      expect(page.engineUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(existsSync(path.join(dataDir, 'engine.db'))).toBe(true)

      // An iframe of our own page cannot reach ConsoleApi (the preload runs in the main frame only,
      // and main refuses sub-frames); the CSP keeps other origins out of frames altogether.
      const framed = await win.evaluate(async () => {
        const frame = document.createElement('iframe')
        frame.src = window.location.href.split('#')[0] ?? ''
        document.body.appendChild(frame)
        // A frame the policy blocks may never fire load; it then never gets the API either.
        await Promise.race([
          new Promise((resolve) => frame.addEventListener('load', resolve, { once: true })),
          new Promise((resolve) => setTimeout(resolve, 3000))
        ])
        try {
          return typeof (frame.contentWindow as unknown as { controldeck?: unknown }).controldeck
        } catch {
          return 'blocked'
        } finally {
          frame.remove()
        }
      })
      expect(['undefined', 'blocked']).toContain(framed)

      expect(page.apiKeys).toContain('getAppInfo')
      expect(page.apiKeys).toContain('onDeepLink')
      expect(page.hasRequire).toBe('undefined')
      expect(page.hasProcess).toBe('undefined')
      expect(page.hasIpc).toBe(false)
      expect(page.transport).toBe('electron')
      expect(page.badCode).toBe('invalid_input')

      expect(page.frozen).toBe(true)

      // Navigation away from the console is refused; the page stays ours.
      const before = win.url()
      await win.evaluate(() => {
        window.location.href = 'https://example.com/'
      })
      await win.waitForTimeout(300)
      expect(win.url()).toBe(before)
      // window.open never creates a window.
      await win.evaluate(() => window.open('https://example.com/'))
      expect(app.windows()).toHaveLength(1)

      // A second instance with a deep link hands it over and exits; the window shows the trace.
      const second = spawn(found.path!, [...args, 'controldeck://trace/m_0123456789ab'], {
        env: { ...process.env, CONTROLDECK_DATA_DIR: dataDir },
        stdio: 'ignore'
      })
      const secondExit = await new Promise<number | null>((resolve) => second.on('exit', resolve))
      expect(secondExit).toBe(0)
      await expect(win).toHaveURL(/#\/traces\/m_0123456789ab$/)

      // Quitting closes the services and the engine: every SQLite file checkpointed.
      await app.close()
      expect(nonEmptyWals(dataDir)).toEqual([])
    } finally {
      await app.close().catch(() => undefined)
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})

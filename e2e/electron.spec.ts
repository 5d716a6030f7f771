// The packaged-app path: the built main/preload/renderer in real Electron through Playwright's
// `_electron`. Machines without an Electron binary (no download possible) skip with one line.
/// <reference lib="dom" />
import { _electron as electron, expect, test } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findElectronBinary } from '../scripts/electron-binary.mjs'

const found = findElectronBinary()
if (!found.path) {
  console.log(`electron e2e skipped: ${found.reason}`)
}

test.describe('Electron app', () => {
  test.skip(!found.path, `no Electron binary: ${found.reason}`)

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
        const info = await (api?.getAppInfo as (input: object) => Promise<{ transport: string }>)({})
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
          badCode: (bad as { code?: string }).code
        }
      })
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
    } finally {
      await app.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})

// Shared Playwright fixtures: a real embedded engine (seeded with the demo dataset) and browser mode
// in front of it, both on 127.0.0.1 with throwaway data folders; every test's page is
// screenshotted into e2e/screenshots/ (git-ignored) for review.
import { test as base, expect, type Page } from '@playwright/test'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startEngine, type RunningEngine } from '../src/engine'
import { seedDemoData, type SeedSummary } from '../src/engine/seed'
import { startServe, type ServeHandle } from '../src/main/services/cli/commands/serve'

/** Where the per-test screenshots go. */
export const SCREENSHOT_DIR = path.resolve('e2e/screenshots')

/** Fixtures shared by all tests of one worker (started once: the machine has two cores). */
export interface WorkerFixtures {
  /** The embedded engine on a temp database, seeded with seedDemoData. */
  engine: RunningEngine
  /** What the seed created (ids and counts to assert against). */
  seed: SeedSummary
  /** Browser mode (services + HTTP server) using `engine` as its local engine. */
  consoleServer: ServeHandle
  /** The URL to open, token included: `http://127.0.0.1:PORT/?token=…`. */
  consoleUrl: string
}

/** Per-test fixtures. */
export interface TestFixtures {
  /** Console messages of type error and uncaught page errors seen by `page`. */
  pageErrors: string[]
  /** Takes the screenshot of `page` after each test; automatic. */
  screenshotAfter: void
}

function screenshotName(titlePath: string[]): string {
  return `${titlePath.join(' - ').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 150)}.png`
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  engine: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-engine-'))
      const engine = await startEngine({
        dbPath: path.join(dir, 'engine.db'),
        host: '127.0.0.1',
        port: 0,
        quiet: true
      })
      try {
        await use(engine)
      } finally {
        await engine.close()
        await rm(dir, { recursive: true, force: true })
      }
    },
    { scope: 'worker' }
  ],
  seed: [
    async ({ engine }, use) => {
      await use(await seedDemoData(engine.baseUrl, engine.adminToken))
    },
    { scope: 'worker' }
  ],
  consoleServer: [
    async ({ engine, seed }, use) => {
      void seed // the console starts on seeded data
      const dataDir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-console-'))
      const handle = await startServe({
        dataDir,
        localEngine: { url: engine.url, adminToken: engine.adminToken },
        rendererDir: path.resolve('out/renderer'),
        log: (message, details) => console.error(`[console] ${message}`, details ?? '')
      })
      try {
        await use(handle)
      } finally {
        await handle.close()
        await rm(dataDir, { recursive: true, force: true })
      }
    },
    { scope: 'worker' }
  ],
  consoleUrl: [async ({ consoleServer }, use) => use(consoleServer.url), { scope: 'worker' }],

  pageErrors: async ({ page }, use) => {
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    await use(errors)
  },
  screenshotAfter: [
    async ({ page }, use, testInfo) => {
      await use()
      if (page.url() === 'about:blank' || page.isClosed()) return
      await mkdir(SCREENSHOT_DIR, { recursive: true })
      await page
        .screenshot({ path: path.join(SCREENSHOT_DIR, screenshotName(testInfo.titlePath.slice(1))) })
        .catch(() => {})
    },
    { auto: true }
  ]
})

/** Opens the console and waits for the renderer to mount something into #root. */
export async function openConsole(page: Page, consoleUrl: string): Promise<void> {
  await page.goto(consoleUrl)
  await expect(page.locator('#root > *').first()).toBeVisible()
}

export { expect }

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
import { engineFetch } from '../src/main/services/testing/temp-engine'

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
}

/** Per-test fixtures. */
export interface TestFixtures {
  /**
   * A fresh one-time sign-in address of `consoleServer` (`http://127.0.0.1:PORT/login?code=…`):
   * each test's page signs in with its own, as a browser opening the printed address does.
   */
  consoleUrl: string
  /** Console messages of type error and uncaught page errors seen by `page`. */
  pageErrors: string[]
  /** Takes the screenshot of `page` after each test; automatic. */
  screenshotAfter: void
}

/** Starts an embedded engine on a fresh database in `dir`, on 127.0.0.1 and a free port. */
function startEngineIn(dir: string): Promise<RunningEngine> {
  return startEngine({
    dbPath: path.join(dir, 'engine.db'),
    host: '127.0.0.1',
    port: 0,
    quiet: true
  })
}

/** Starts browser mode on `dataDir` with `engine` as its local engine; `log` echoes its log to stderr. */
function startConsoleIn(
  dataDir: string,
  engine: RunningEngine,
  options: { log?: boolean } = {}
): Promise<ServeHandle> {
  return startServe({
    dataDir,
    localEngine: { url: engine.url, adminToken: engine.adminToken },
    rendererDir: path.resolve('out/renderer'),
    ...(options.log
      ? { log: (message, details) => console.error(`[console] ${message}`, details ?? '') }
      : {})
  })
}

/** Starts something in a fresh temp folder for a fixture's `use`, then closes it and removes the folder. */
async function useInTempDir<T extends { close(): Promise<void> }>(
  prefix: string,
  start: (dir: string) => Promise<T>,
  use: (value: T) => Promise<void>
): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  const value = await start(dir)
  try {
    await use(value)
  } finally {
    await value.close()
    await rm(dir, { recursive: true, force: true })
  }
}

function screenshotName(titlePath: string[]): string {
  return `${titlePath
    .join(' - ')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 150)}.png`
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  engine: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => useInTempDir('cd-e2e-engine-', startEngineIn, use),
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
      await useInTempDir(
        'cd-e2e-console-',
        (dataDir) => startConsoleIn(dataDir, engine, { log: true }),
        use
      )
    },
    { scope: 'worker' }
  ],
  consoleUrl: async ({ consoleServer }, use) => use(consoleServer.server.loginUrl()),

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
        .screenshot({
          path: path.join(SCREENSHOT_DIR, screenshotName(testInfo.titlePath.slice(1)))
        })
        .catch(() => {})
    },
    { auto: true }
  ]
})

/**
 * Opens the console and waits for the renderer to mount something into #root: through the given
 * sign-in address, or through a new one of a running browser mode (a code works only once).
 */
export async function openConsole(page: Page, target: string | ServeHandle): Promise<void> {
  await page.goto(typeof target === 'string' ? target : target.server.loginUrl())
  await expect(page.locator('#root > *').first()).toBeVisible()
}

/** Opens the console and goes to `hash` (a page and its URL state, e.g. `#/traces?kind=jobs`). */
export async function openAt(page: Page, consoleUrl: string, hash: string): Promise<void> {
  await openConsole(page, consoleUrl)
  await page.evaluate((h) => (window.location.hash = h), hash)
}

/** GET `path` from the engine with its admin token; fails the test unless it answers 2xx. */
export async function engineGet<T>(engine: RunningEngine, path: string): Promise<T> {
  const res = await engineFetch(engine, 'GET', path)
  expect(res.ok).toBe(true)
  return (await res.json()) as T
}

/** An engine and a console of a spec's own, for specs that must not disturb the shared seeded ones. */
export interface OwnStack {
  engine: RunningEngine
  consoleServer: ServeHandle
  /** Stops the console, then the engine (again, if the test stopped it), and removes their folders. */
  close: () => Promise<void>
}

/**
 * An own stack for the tests of one file or `describe` block: started before the first, closed
 * after the last. The answer forwards to the running stack (read it inside tests only).
 */
export function ownStackForSuite(name: string): OwnStack {
  let stack: OwnStack | undefined
  test.beforeAll(async () => {
    stack = await startOwnStack(name)
  })
  test.afterAll(async () => {
    await stack?.close()
  })
  const current = (): OwnStack => {
    if (!stack) throw new Error(`The ${name} stack is read before its beforeAll ran.`)
    return stack
  }
  return {
    get engine() {
      return current().engine
    },
    get consoleServer() {
      return current().consoleServer
    },
    close: () => current().close()
  }
}

/**
 * Starts an engine and a console in throwaway folders named after `name`. `prepare` runs between
 * the two (seeding, environment knobs), so the console starts on what it leaves behind.
 */
export async function startOwnStack(
  name: string,
  options: { prepare?: (engine: RunningEngine) => Promise<void> | void; log?: boolean } = {}
): Promise<OwnStack> {
  const engineDir = await mkdtemp(path.join(tmpdir(), `cd-e2e-${name}-engine-`))
  const dataDir = await mkdtemp(path.join(tmpdir(), `cd-e2e-${name}-console-`))
  let engine: RunningEngine | undefined
  let consoleServer: ServeHandle | undefined
  const close = async (): Promise<void> => {
    await consoleServer?.close()
    await engine?.close()
    for (const dir of [engineDir, dataDir]) await rm(dir, { recursive: true, force: true })
  }
  try {
    engine = await startEngineIn(engineDir)
    await options.prepare?.(engine)
    consoleServer = await startConsoleIn(dataDir, engine, { log: options.log })
  } catch (error) {
    await close()
    throw error
  }
  return { engine, consoleServer, close }
}

/** Item `index` of a list a spec expects filled (the seed's jobs, say), or an error naming it. */
export function itemOf<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index]
  if (item === undefined)
    throw new Error(`Expected ${what} #${index}; the list holds ${list.length}`)
  return item
}

export { engineFetch, expect }

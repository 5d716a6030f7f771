// Shared Playwright fixtures: a real embedded engine (seeded with the demo dataset) and browser mode
// in front of it, both on 127.0.0.1 with throwaway data folders; every test's page is
// screenshotted into e2e/screenshots/ (git-ignored) for review.
import { test as base, expect, type Locator, type Page } from '@playwright/test'
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

/** Goes to `hash` (a page and its URL state, e.g. `#/traces?kind=jobs`) in the open console. */
export async function goTo(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash)
}

/** Opens the console and goes to `hash`. */
export async function openAt(
  page: Page,
  target: string | ServeHandle,
  hash: string
): Promise<void> {
  await openConsole(page, target)
  await goTo(page, hash)
}

/** Opens the console on the trace of `entityId` and returns the trace's tree. */
export async function openTrace(
  page: Page,
  target: string | ServeHandle,
  entityId: string
): Promise<Locator> {
  await openAt(page, target, `#/traces/${entityId}`)
  return page.getByTestId('trace-tree')
}

/** A Traces list, by the name of its grid. */
export type TracesList = 'Missions' | 'Jobs' | 'Attempts'

/** Opens the Traces list `grid`, narrowed by `query` (`state=succeeded`) if given; its grid. */
export async function openList(
  page: Page,
  target: string | ServeHandle,
  grid: TracesList,
  query?: string
): Promise<Locator> {
  await openAt(page, target, `#/traces?kind=${grid.toLowerCase()}${query ? `&${query}` : ''}`)
  return page.getByRole('grid', { name: grid })
}

/** Waits until the console's connection to the active environment is live (its stream open). */
export async function expectLive(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-status', 'live', {
    timeout: 10_000
  })
}

/** Opens the console, waits until it is live, then goes to `hash` if one is given. */
export async function openLive(
  page: Page,
  target: string | ServeHandle,
  hash?: string
): Promise<void> {
  await openConsole(page, target)
  await expectLive(page)
  if (hash) await goTo(page, hash)
}

/**
 * Expects a list, table, counter or diagram node to hold `n` items: the console writes what it
 * shows into the element's `data-count`. An `undefined` count (a state the seed never reached)
 * fails, as it should.
 */
export async function expectCount(
  locator: Locator,
  n: number | undefined,
  options: { timeout?: number } = {}
): Promise<void> {
  await expect(locator).toHaveAttribute('data-count', String(n), options)
}

/**
 * Publishes an event straight into the engine's stream, in process and in a transaction of its
 * store, as the engine's `/stream/publish` route does once a request passed its checks.
 */
export function publishInEngine(
  engine: RunningEngine,
  channel: string,
  type: string,
  data: Record<string, unknown> = {}
): void {
  engine.services.store.transaction(() =>
    engine.services.events.publishExternal(channel, type, data)
  )
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

/** An own stack on the demo dataset, with what the seed created. */
export interface SeededStack extends OwnStack {
  seed: SeedSummary
}

/** How {@link startOwnStack} prepares a stack. */
export interface OwnStackOptions {
  /** Runs between engine and console (seeding, say), so the console starts on what it leaves. */
  prepare?: (engine: RunningEngine) => Promise<void> | void
  /** Environment knobs set before the console starts, restored when the stack closes. */
  env?: Record<string, string>
  /** Echo the console's log to stderr. */
  log?: boolean
}

/**
 * Demo agents run at human pace by default; these knobs make one finish in a second or two (the
 * console's local runs inherit its environment).
 */
export const FAST_DEMO_ENV: Readonly<Record<string, string>> = {
  CONTROLDECK_DEMO_PACE_MS: '0',
  CONTROLDECK_DEMO_BACKOFF_MS: '1',
  CONTROLDECK_DEMO_BACKOFF_MAX_MS: '5'
}

/**
 * Something started before the first test of the current file or `describe` block and closed
 * after its last. The answer forwards to it: read it inside tests and hooks only.
 */
function forSuite<T extends { close(): Promise<void> }>(what: string, start: () => Promise<T>): T {
  let running: T | undefined
  test.beforeAll(async () => {
    // An engine, a console and maybe a seed on two shared cores: more than a test's usual time.
    test.setTimeout(60_000)
    running = await start()
  })
  test.afterAll(async () => {
    await running?.close()
  })
  return new Proxy({} as T, {
    get(_, key) {
      if (!running) throw new Error(`${what} is read before its beforeAll ran.`)
      return running[key as keyof T]
    }
  })
}

/** An own stack for the tests of one file or `describe` block (see {@link startOwnStack}). */
export function ownStackForSuite(name: string, options: OwnStackOptions = {}): OwnStack {
  return forSuite(`The ${name} stack`, () => startOwnStack(name, options))
}

/** An own stack on the demo dataset for the tests of one file or `describe` block. */
export function seededStackForSuite(name: string): SeededStack {
  return forSuite(`The ${name} stack`, async () => {
    let seed: SeedSummary | undefined
    const stack = await startOwnStack(name, {
      prepare: async (engine) => {
        seed = await seedDemoData(engine.baseUrl, engine.adminToken)
      }
    })
    if (!seed) throw new Error(`The ${name} stack started without its seed`)
    return { ...stack, seed }
  })
}

/**
 * Starts an engine and a console in throwaway folders named after `name`; `options` prepare what
 * the console starts on.
 */
async function startOwnStack(name: string, options: OwnStackOptions = {}): Promise<OwnStack> {
  const engineDir = await mkdtemp(path.join(tmpdir(), `cd-e2e-${name}-engine-`))
  const dataDir = await mkdtemp(path.join(tmpdir(), `cd-e2e-${name}-console-`))
  const env = options.env ?? {}
  const savedEnv = Object.entries(env).map(([key]) => [key, process.env[key]] as const)
  let engine: RunningEngine | undefined
  let consoleServer: ServeHandle | undefined
  const close = async (): Promise<void> => {
    await consoleServer?.close()
    await engine?.close()
    for (const [key, value] of savedEnv) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    for (const dir of [engineDir, dataDir]) await rm(dir, { recursive: true, force: true })
  }
  try {
    engine = await startEngineIn(engineDir)
    await options.prepare?.(engine)
    Object.assign(process.env, env)
    consoleServer = await startConsoleIn(dataDir, engine, { log: options.log })
  } catch (error) {
    await close()
    throw error
  }
  return { engine, consoleServer, close }
}

/** A seeded mission with its jobs, in the seed's order. */
export type SeededMission = SeedSummary['missions'][number] & { jobs: SeedSummary['jobs'] }

/** The seeded mission in `state` (the demo dataset has one completed and one executing), or an error. */
export function missionIn(seed: SeedSummary, state: string): SeededMission {
  const mission = seed.missions.find((m) => m.state === state)
  if (!mission) throw new Error(`Expected a seeded mission in state ${state}`)
  return { ...mission, jobs: seed.jobs.filter((j) => j.mission_id === mission.mission_id) }
}

/** Item `index` of a list a spec expects filled (the seed's jobs, say), or an error naming it. */
export function itemOf<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index]
  if (item === undefined)
    throw new Error(`Expected ${what} #${index}; the list holds ${list.length}`)
  return item
}

export { engineFetch, expect }

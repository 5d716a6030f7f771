import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createChain, startTestEngine, type TestEngine } from './harness'

/**
 * One real engine for a whole `describe` block: started before its first test, stopped (and its
 * folder deleted) after its last. The answer forwards to the running engine, so read it inside
 * tests and hooks, never while the suite is being collected.
 */
export function suiteEngine(options: Parameters<typeof startTestEngine>[0] = {}): TestEngine {
  return hookedEngine(options, beforeAll, afterAll)
}

/**
 * A fresh folder in os.tmpdir() for a whole `describe` block (SQLite files, engine folders),
 * deleted after its last test.
 */
export function suiteTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A fresh real engine for each test of a `describe` block (tests that must not share state). */
export function eachTestEngine(options: Parameters<typeof startTestEngine>[0] = {}): TestEngine {
  return hookedEngine(options, beforeEach, afterEach)
}

function hookedEngine(
  options: Parameters<typeof startTestEngine>[0],
  before: (fn: () => Promise<void>) => void,
  after: (fn: () => Promise<void>) => void
): TestEngine {
  let running: TestEngine | undefined
  before(async () => {
    running = await startTestEngine(options)
  })
  after(async () => {
    await running?.stop()
    running = undefined
  })
  const current = (): TestEngine => {
    if (!running) throw new Error('The suite engine is read before its beforeAll ran.')
    return running
  }
  return Object.assign(readThrough(current, ['engine', 'dir', 'dbPath']), {
    api: (...args: Parameters<TestEngine['api']>) => current().api(...args),
    stop: () => current().stop()
  })
}

/**
 * A stand-in for a value a hook makes later: each of `keys` reads `current()[key]` when it is
 * read (inside tests and hooks), so the stand-in can be handed out while the suite is collected.
 */
function readThrough<T extends object, K extends keyof T>(
  current: () => T,
  keys: readonly K[]
): Pick<T, K> {
  const view = {} as Pick<T, K>
  for (const key of keys) {
    Object.defineProperty(view, key, { enumerable: true, get: () => current()[key] })
  }
  return view
}

/** The ids of one mission → plan → job → attempt chain (`createChain`). */
export type Chain = Awaited<ReturnType<typeof createChain>>

/**
 * One mission → plan → job → attempt chain in a suite's engine, created before the block's first
 * test (after the engine started). Like `suiteEngine`, read its ids inside tests and hooks.
 */
export function suiteChain(t: TestEngine): Chain {
  let chain: Chain | undefined
  beforeAll(async () => {
    chain = await createChain(t)
  })
  const ids = (): Chain => {
    if (!chain) throw new Error('The suite chain is read before its beforeAll ran.')
    return chain
  }
  return readThrough(ids, ['missionId', 'planId', 'jobId', 'attemptId'])
}

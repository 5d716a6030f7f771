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
  return {
    get engine() {
      return current().engine
    },
    get dir() {
      return current().dir
    },
    get dbPath() {
      return current().dbPath
    },
    api: (...args) => current().api(...args),
    stop: () => current().stop()
  }
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
  return {
    get missionId() {
      return ids().missionId
    },
    get planId() {
      return ids().planId
    },
    get jobId() {
      return ids().jobId
    },
    get attemptId() {
      return ids().attemptId
    }
  }
}

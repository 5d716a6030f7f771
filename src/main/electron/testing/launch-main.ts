// Helpers for tests that run the real main entry (../index.ts) under the Electron stand-in. The
// test file itself must call `vi.mock('electron', () => import('./testing/electron-stand-in'))`.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, vi } from 'vitest'
import { methodChannel, type IpcEnvelope } from '../../../shared/console/ipc'
import { withoutKeychain } from '../../services/testing/no-keychain'
import { makeTempDir } from '../../services/testing/temp-dir'
import { waitFor } from '../../services/testing/wait'
import {
  ipc,
  resetStandIn,
  standIn,
  type BrowserWindow,
  type StandInWebContents
} from './electron-stand-in'

/** A fresh stand-in app and a fresh copy of the entry module, as a new launch of the app. */
export function freshApp(): void {
  resetStandIn()
  vi.resetModules()
}

/** Imports the real entry (as Electron runs out/main/index.js), makes the app ready, waits for its window. */
export async function launch(argv: string[] = []): Promise<BrowserWindow> {
  process.argv = ['/usr/lib/electron/electron', '/opt/controldeck', ...argv]
  await import('../index')
  standIn().app.emitReady()
  await waitFor(() => standIn().windows.length === 1, 'the main window', 15_000)
  const [window] = standIn().windows
  if (!window) throw new Error('The main window closed right after it opened')
  await waitFor(() => window.isVisible(), 'the window to show', 15_000)
  return window
}

/** Calls a ConsoleApi method over the app's IPC handler, as the page's preload would. */
export async function call(
  contents: StandInWebContents,
  method: string,
  input: unknown = {},
  from: { frameUrl?: string; topFrame?: boolean } = {}
): Promise<IpcEnvelope> {
  return (await ipc.invoke(methodChannel(method), { contents, ...from }, input)) as IpcEnvelope
}

/** Like {@link call}, for a call that must succeed: its result. */
export async function result<T = Record<string, unknown>>(
  contents: StandInWebContents,
  method: string,
  input: unknown = {}
): Promise<T> {
  const envelope = await call(contents, method, input)
  if (!envelope.ok) throw new Error(`${method} failed: ${JSON.stringify(envelope.error)}`)
  return envelope.result as T
}

/** Quits as the operator would (Cmd-Q, File > Quit) and waits until the app has exited. */
export async function quit(): Promise<void> {
  const { app } = standIn()
  app.quit()
  await waitFor(() => app.quitted, 'the app to quit', 15_000)
}

/** Quits a launch a failed test left running (its engine holds a port and files). */
export async function quitIfRunning(): Promise<void> {
  const { app } = standIn()
  if (app.quitted) return
  app.quit()
  await waitFor(() => app.quitted, 'the app to quit after the test', 15_000).catch(() => undefined)
}

/** Deep-link paths pushed to a page, oldest first. */
export function deepLinks(contents: StandInWebContents): string[] {
  return contents
    .pushedEvents()
    .filter(([name]) => name === 'onDeepLink')
    .map(([, payload]) => (payload as { path: string }).path)
}

/** Every SQLite WAL file under `dir` that still holds frames (a checkpointed, closed file has none). */
export function nonEmptyWals(dir: string): string[] {
  const out: string[] = []
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (name.endsWith('-wal') && statSync(full).size > 0) out.push(full)
    }
  }
  walk(dir)
  return out
}

const ENV_KEYS = [
  'CONTROLDECK_DATA_DIR',
  'ELECTRON_RENDERER_URL',
  'CONTROLDECK_DEV_SERVER',
  'CONTROLDECK_REGISTER_PROTOCOL'
] as const

/** Clears the variables the entry reads and points the data folder at `dataDir`; returns the undo. */
export function isolateEnv(dataDir: string): () => void {
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]))
  const argv = process.argv
  for (const key of ENV_KEYS) delete process.env[key]
  process.env.CONTROLDECK_DATA_DIR = dataDir
  return () => {
    process.argv = argv
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
  }
}

/**
 * What every test of the real entry needs, registered once per file: no OS keychain, and for each
 * test a fresh temp folder and app with the entry's environment isolated (its data folder is
 * `dataDir` of the temp folder), then a quit of whatever the test left running and a clean-up.
 * The answer names the running test's temp folder.
 */
export function eachTestInFreshApp(
  prefix: string,
  dataDir: (tempDir: string) => string = (tempDir) => tempDir
): { readonly dir: string } {
  withoutKeychain()
  let temp: ReturnType<typeof makeTempDir> | undefined
  let restoreEnv: (() => void) | undefined
  beforeEach(() => {
    temp = makeTempDir(prefix)
    restoreEnv = isolateEnv(dataDir(temp.dir))
    freshApp()
  })
  afterEach(async () => {
    await quitIfRunning()
    restoreEnv?.()
    temp?.remove()
  })
  return {
    get dir() {
      if (!temp) throw new Error('The temp folder is read outside a test')
      return temp.dir
    }
  }
}

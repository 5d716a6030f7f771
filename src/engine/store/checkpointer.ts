import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { sqliteNativeBinding } from './sqlite'

/**
 * The worker's code, as a CommonJS string (`eval: true`) so it works the same under tsx, vitest,
 * an esbuild bundle and Electron without a separate worker file to ship. It opens its own
 * connection to the same file and runs PASSIVE checkpoints on a timer.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = workerData.nativeBinding
  ? new Database(workerData.path, { nativeBinding: workerData.nativeBinding })
  : new Database(workerData.path)
db.pragma('busy_timeout = 1000')
// A checkpoint streams pages from the WAL to the file; it needs no page cache of its own.
db.pragma('cache_size = 16')
const tick = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    if (r && r.checkpointed > 0) parentPort.postMessage({ type: 'checkpoint', pages: r.checkpointed, log: r.log })
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String(err && err.message || err) })
  }
}
const timer = setInterval(tick, workerData.intervalMs)
// The main thread blocks on this flag while the worker closes its connection (see stopSync).
const done = new Int32Array(workerData.done)
parentPort.on('message', (m) => {
  if (m !== 'stop') return
  clearInterval(timer)
  try { db.close() } finally {
    Atomics.store(done, 0, 1)
    Atomics.notify(done, 0)
  }
})
`

type WorkerMessage =
  { type: 'checkpoint'; pages: number; log: number } | { type: 'error'; message: string }

function driverPath(): string {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3')
  } catch {
    // Bundles without import.meta.url (CommonJS output): resolve from the working directory.
    return 'better-sqlite3'
  }
}

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever
 * COMMIT crosses the threshold, copying up to 4 MB into the database file and fsyncing it on the
 * main thread: that stall is what a request unlucky enough to share that commit sees as its p99.
 * Here a worker thread with its own connection checkpoints every `intervalMs` (PASSIVE: it never
 * blocks the writer), and the main connection's auto-checkpoint is turned off while it runs. If the
 * worker fails, `onFailure` restores the automatic checkpoint, so the WAL can never grow unchecked.
 */
export class Checkpointer {
  private readonly worker: Worker
  private readonly done = new SharedArrayBuffer(4)
  private stopped = false
  /** Checkpoints that moved pages, and the pages moved (for tests and /metrics). */
  checkpoints = 0
  pages = 0

  constructor(path: string, intervalMs: number, onFailure: (reason: string) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The same addon as the main connection (Electron's build inside the app).
      workerData: {
        path,
        driver: driverPath(),
        nativeBinding: sqliteNativeBinding(),
        intervalMs,
        done: this.done
      },
      // A tiny isolate: the loop allocates almost nothing.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 }
    })
    // Never keep the process alive just to checkpoint.
    this.worker.unref()
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'checkpoint') {
        this.checkpoints++
        this.pages += m.pages
      }
    })
    const fail = (reason: string): void => {
      if (this.stopped) return
      this.stopped = true
      onFailure(reason)
    }
    this.worker.on('error', (err) => fail(err.message))
    this.worker.on('exit', (code) => fail(`checkpoint worker exited with code ${code}`))
  }

  /**
   * Stops the worker and blocks (at most `timeoutMs`) until it has closed its connection, so
   * the main connection can close last: the last connection to close removes the WAL, and a
   * caller that deletes the folder right after close() finds nothing recreated behind its back.
   */
  stopSync(timeoutMs = 5000): void {
    if (this.stopped) return
    this.stopped = true
    this.worker.postMessage('stop')
    Atomics.wait(new Int32Array(this.done), 0, 0, timeoutMs)
    void this.worker.terminate()
  }
}

import type Database from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'
import { bindRecorder } from './recorder'
import { Checkpointer } from './checkpointer'
import { migrateModule, moduleVersion, openLedger } from './migrate'
import { MIGRATIONS } from './migrations'
import { openSqlite } from './sqlite'
import { StatementCache } from './statements'

/**
 * Longest a batch opened by after-commit work waits for company before committing alone. Short:
 * a sequential client's next request arrives well within it, and nothing waits on this batch.
 */
export const FOLLOW_UP_COMMIT_MS = 2

/** A callback queued inside a transaction, run once that transaction has committed. */
export type AfterCommit = () => void

/**
 * The engine's SQLite store: one file per engine (or `:memory:` for tests), WAL, versioned
 * migrations. All writes of one request run inside `transaction()`, which also collects
 * "after commit" work (stream fan-out, listeners) so that nothing is announced that was rolled back.
 *
 * Group commit: a COMMIT costs far more than the handful of statements of a transition (it is a
 * WAL write, and the occasional checkpoint). So every unit of work that starts while no batch is
 * open opens one (BEGIN) and schedules its COMMIT for the end of the current event-loop turn; each
 * unit runs inside its own SAVEPOINT, so a failing unit rolls back alone. All requests parsed in
 * the same turn share one commit, and the HTTP layer answers only after `committed()` resolves,
 * so no client ever sees a success that is not on disk (within synchronous=NORMAL's guarantee).
 *
 * Follow-up writes (after-commit listeners: governance bookkeeping) would otherwise cost a COMMIT
 * of their own right after every request's, which doubled the commits of a sequential client. A
 * batch opened by them is lazy: it commits after {@link FOLLOW_UP_COMMIT_MS}, or at the end of the
 * turn in which a request joins it or someone waits for it, whichever comes first.
 */
export class Store {
  /** The raw better-sqlite3 handle, for services that prepare their own statements. */
  readonly db: Database.Database
  private depth = 0
  /** Number of the running (or last) top-level unit; see `currentUnit`. */
  private unitNo = 0
  private readonly statements: StatementCache
  /** After-commit work of the unit currently running. */
  private pending: AfterCommit[] = []
  /** After-commit work of units that finished inside the open batch. */
  private batchPending: AfterCommit[] = []
  private batchOpen = false
  /** The open batch was opened by after-commit work and has no immediate commit scheduled yet. */
  private batchLazy = false
  /** True while after-commit callbacks run (their transactions open lazy batches). */
  private inAfterCommit = false
  private lazyTimer: NodeJS.Timeout | null = null
  /** Number of the open (or last) batch, and the recent batches that failed to commit. */
  private batchNo = 0
  private readonly failedBatches = new Map<number, unknown>()
  private waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = []
  private readonly tx: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo',
    Statement
  >

  /** The background checkpointer, or null (in-memory database, or it failed and SQLite's own took over). */
  checkpointer: Checkpointer | null = null

  constructor(path: string, options: { checkpointIntervalMs?: number } = {}) {
    this.db = openSqlite(path)
    // WAL lets readers (SSE resume, list routes) run beside the writer; synchronous=NORMAL is
    // safe under WAL (a power cut may lose the last commits, never corrupt the file) and avoids an
    // fsync per commit.
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    this.db.pragma('temp_store = MEMORY')
    migrate(this.db)
    this.statements = new StatementCache(this.db)
    this.tx = {
      begin: this.db.prepare('BEGIN'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT unit'),
      release: this.db.prepare('RELEASE unit'),
      rollbackTo: this.db.prepare('ROLLBACK TO unit')
    }
    const interval = options.checkpointIntervalMs ?? 250
    if (!this.db.memory && interval > 0) {
      try {
        this.checkpointer = new Checkpointer(path, interval, (reason) => {
          this.checkpointer = null
          if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000')
          process.emitWarning(
            `background WAL checkpoints stopped (${reason}); SQLite checkpoints inline again`
          )
        })
        this.db.pragma('wal_autocheckpoint = 0')
      } catch {
        // No worker threads here: SQLite's inline auto-checkpoint stays on.
        this.checkpointer = null
      }
    }
  }

  /**
   * A prepared statement for `sql`, cached (see {@link StatementCache}): `Params` are the values
   * of its `?`, `Row` one result row, so callers read typed rows without casting.
   */
  prepare<Params extends unknown[] = unknown[], Row = unknown>(
    sql: string
  ): Statement<Params, Row> {
    return this.statements.prepare<Params, Row>(sql)
  }

  /** The core schema version this file is at after migrations (== MIGRATIONS.length). */
  get schemaVersion(): number {
    return moduleVersion(this.db, 'core')
  }

  /**
   * Brings a module's own tables up to date (its migrations, its row in the ledger). The engine
   * calls it before attaching the module.
   */
  migrateModule(module: string, migrations: readonly string[]): void {
    migrateModule(this.db, module, migrations)
  }

  /**
   * Runs `fn` as one atomic unit (nested calls join the outer unit). Its writes are visible at
   * once to everything in this process and reach the disk with the batch's COMMIT at the end of
   * this event-loop turn (see `committed()`). Callbacks registered with `afterCommit` during `fn`
   * run after that COMMIT, and are discarded if `fn` throws.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn()
    if (!this.batchOpen) {
      if (this.db.inTransaction)
        throw new Error('Store.transaction called inside a raw better-sqlite3 transaction')
      this.openBatch()
    } else if (this.batchLazy && !this.inAfterCommit) {
      this.commitAtEndOfTurn()
    }
    this.depth++
    this.unitNo++
    this.pending = []
    this.tx.savepoint.run()
    let result: T
    try {
      result = fn()
      this.tx.release.run()
    } catch (err) {
      if (this.db.inTransaction) {
        this.tx.rollbackTo.run()
        this.tx.release.run()
      } else {
        // SQLite rolled the whole batch back itself (disk full, I/O error): fail the batch.
        this.failBatch(err)
      }
      throw err
    } finally {
      this.depth--
    }
    for (const cb of this.pending) this.batchPending.push(cb)
    this.pending = []
    return result
  }

  private openBatch(): void {
    this.tx.begin.run()
    this.batchOpen = true
    this.batchNo++
    if (this.inAfterCommit) {
      this.batchLazy = true
      const no = this.batchNo
      this.lazyTimer = setTimeout(() => {
        this.lazyTimer = null
        if (this.batchOpen && this.batchNo === no) this.commitBatch()
      }, FOLLOW_UP_COMMIT_MS)
    } else {
      this.batchLazy = false
      setImmediate(() => this.commitBatch())
    }
  }

  /** Turns a lazy batch into an ordinary one: COMMIT at the end of this event-loop turn. */
  private commitAtEndOfTurn(): void {
    this.batchLazy = false
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer)
      this.lazyTimer = null
    }
    const no = this.batchNo
    setImmediate(() => {
      if (this.batchOpen && this.batchNo === no) this.commitBatch()
    })
  }

  /** Commits the open batch now (normally done at the end of the event-loop turn). */
  commitBatch(): void {
    if (!this.batchOpen) return
    try {
      this.tx.commit.run()
    } catch (err) {
      if (this.db.inTransaction) this.tx.rollback.run()
      this.failBatch(err)
      return
    }
    this.closeBatchState()
    const callbacks = this.batchPending
    const waiters = this.waiters
    this.batchPending = []
    this.waiters = []
    for (const w of waiters) w.resolve()
    this.inAfterCommit = true
    try {
      for (const cb of callbacks) {
        try {
          cb()
        } catch (err) {
          // The data is committed; one failing listener must not keep the others from running.
          process.emitWarning(
            `after-commit callback failed: ${(err as Error).stack ?? String(err)}`
          )
        }
      }
    } finally {
      this.inAfterCommit = false
    }
  }

  private closeBatchState(): void {
    this.batchOpen = false
    this.batchLazy = false
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer)
      this.lazyTimer = null
    }
  }

  private failBatch(err: unknown): void {
    this.closeBatchState()
    this.failedBatches.set(this.batchNo, err)
    // Only the last few matter: a request asks about its batch within the same turn.
    for (const no of this.failedBatches.keys())
      if (no < this.batchNo - 16) this.failedBatches.delete(no)
    this.batchPending = []
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w.reject(err)
  }

  /** The number of the current batch; pass it to `committed()` to learn that batch's fate. */
  get currentBatch(): number {
    return this.batchNo
  }

  /**
   * Resolves once batch `batch` (default: the current one) is committed — at once when it already
   * is — and rejects when it failed, so a request never reports writes that were rolled back.
   */
  committed(batch = this.batchNo): Promise<void> {
    const failed = this.failedBatches.get(batch)
    if (failed !== undefined) return Promise.reject(failed)
    if (!this.batchOpen || batch !== this.batchNo) return Promise.resolve()
    // Someone is waiting: a lazy batch must not keep them.
    if (this.batchLazy) this.commitAtEndOfTurn()
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  /**
   * Number of the top-level unit running now (or of the last one). Work that collects per-unit
   * state next to its `afterCommit` callback keys it by this, so a unit that rolls back (and
   * loses its callbacks) cannot leave state behind for the next one.
   */
  get currentUnit(): number {
    return this.unitNo
  }

  /** True while inside `transaction()`. */
  get inTransaction(): boolean {
    return this.depth > 0
  }

  /**
   * Queues `cb` to run after the current unit's batch commits; with no unit running it runs after
   * the open batch commits, or now when none is open.
   */
  afterCommit(cb: AfterCommit): void {
    // Deferred work writes audit entries for the request that queued it (see audit/recorder).
    if (this.depth > 0) this.pending.push(bindRecorder(cb))
    else if (this.batchOpen) this.batchPending.push(bindRecorder(cb))
    else cb()
  }

  /**
   * Commits what is pending, stops the background checkpointer (waiting for it to close its own
   * connection), checkpoints the WAL and closes the file. Synchronous: callers that delete the
   * folder right after find it closed.
   */
  close(): void {
    if (!this.db.open) return
    // After-commit work of a batch may write again (governance bookkeeping opens a follow-up
    // batch): commit those too, or closing would roll them back. Bounded, in case listeners
    // keep writing in reaction to each other's writes.
    for (let i = 0; i < 32 && this.batchOpen; i++) this.commitBatch()
    if (this.batchOpen) {
      process.emitWarning(
        'Store.close: after-commit work kept writing; its last batch was rolled back'
      )
      this.tx.rollback.run()
      this.failBatch(new Error('store closed'))
    }
    const cp = this.checkpointer
    this.checkpointer = null
    cp?.stopSync()
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)')
    } catch {
      // In-memory databases have no WAL; closing is what matters.
    }
    this.db.close()
  }
}

function migrate(db: Database.Database): void {
  openLedger(db)
  migrateModule(db, 'core', MIGRATIONS)
}

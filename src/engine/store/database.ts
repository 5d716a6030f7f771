import type Database from 'better-sqlite3'
import { openSqlite } from './sqlite'

/** How a SQLite file is opened by {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * Pragmas run only when the file has never been migrated (user_version 0), before any other:
   * settings such as `auto_vacuum` take effect only on an empty file.
   */
  newFilePragmas?: readonly string[]
  /** Pragmas run on every open, in order (`journal_mode = WAL`, `synchronous = NORMAL`, …). */
  pragmas?: readonly string[]
  /** The caller's schema: entry `i` moves the file from version `i` to `i + 1` (see {@link migrate}). */
  migrations: readonly string[]
  /** The error message for a file written by a newer program (its version above ours). */
  tooNew: (version: number, known: number) => string
}

/**
 * Opens (creating if needed) the SQLite file at `path` through the process's one addon
 * ({@link openSqlite}), applies the pragmas and brings the schema up to date. The handle is closed
 * again when any of that fails, so a refused file is never left open.
 * @throws when the file's schema is newer than `migrations` knows, or a migration fails.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions): Database.Database {
  const db = openSqlite(path)
  try {
    if (pragmaNumber(db, 'user_version') === 0)
      for (const p of options.newFilePragmas ?? []) db.pragma(p)
    for (const p of options.pragmas ?? []) db.pragma(p)
    migrate(db, options.migrations, options.tooNew)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

/**
 * Brings `db` to `migrations.length`, one transaction per migration; the applied version lives in
 * SQLite's `user_version`, so an old file is upgraded in place and a newer one is refused (with
 * `tooNew`'s message) rather than misread. Never edit a shipped migration: append a new one.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly string[],
  tooNew: (version: number, known: number) => string
): void {
  const version = pragmaNumber(db, 'user_version')
  if (version > migrations.length) throw new Error(tooNew(version, migrations.length))
  migrations.slice(version).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql)
      db.pragma(`user_version = ${version + i + 1}`)
    })()
  })
}

/**
 * The value of a pragma that answers one number (`user_version`, `page_count`, …).
 * @throws when it answers anything else (a pragma name typo reads as undefined, not as 0).
 */
export function pragmaNumber(db: Database.Database, name: string): number {
  const value: unknown = db.pragma(name, { simple: true })
  if (typeof value !== 'number') throw new Error(`pragma ${name} did not answer a number`)
  return value
}

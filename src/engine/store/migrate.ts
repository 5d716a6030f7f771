import type Database from 'better-sqlite3'

/**
 * `user_version` of a file whose schema versions live in the `schema_modules` ledger, one row per
 * module. Files at 1…5 come from engines that kept one list for everything; they are adopted into
 * the ledger (see LEGACY_VERSIONS) without running anything again. A file above this value comes
 * from a newer engine and is refused rather than misread.
 */
export const LEDGER_FORMAT = 6

/**
 * What each version of the old single list had applied, per module: v1 core, v2 governance,
 * v3 and v4 core, v5 governance. Never changes: it describes files already on disk.
 */
export const LEGACY_VERSIONS: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  1: { core: 1 },
  2: { core: 1, governance: 1 },
  3: { core: 2, governance: 1 },
  4: { core: 3, governance: 1 },
  5: { core: 3, governance: 2 }
}

/**
 * Opens the per-module ledger: creates it on a fresh file, adopts a single-list file's versions,
 * refuses a file from a newer engine. Runs in one transaction.
 */
export function openLedger(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > LEDGER_FORMAT) {
    throw new Error(
      `Database schema version ${current} is newer than this engine understands (${LEDGER_FORMAT})`
    )
  }
  if (current === LEDGER_FORMAT) return
  db.transaction(() => {
    db.exec('CREATE TABLE schema_modules (module TEXT PRIMARY KEY, version INTEGER NOT NULL)')
    const adopt = db.prepare('INSERT INTO schema_modules (module, version) VALUES (?, ?)')
    for (const [module, version] of Object.entries(LEGACY_VERSIONS[current] ?? {}))
      adopt.run(module, version)
    db.pragma(`user_version = ${LEDGER_FORMAT}`)
  })()
}

/** The schema version `module` is at (0: none of its migrations ran). */
export function moduleVersion(db: Database.Database, module: string): number {
  const row = db.prepare('SELECT version FROM schema_modules WHERE module = ?').get(module) as
    { version: number } | undefined
  return row?.version ?? 0
}

/**
 * Brings `module`'s tables to the last of its `migrations` (entry `i` moves version `i` to
 * `i + 1`), each step in its own transaction with its ledger row. A module whose recorded version
 * is beyond its list was written by a newer engine: refused.
 */
export function migrateModule(
  db: Database.Database,
  module: string,
  migrations: readonly string[]
): void {
  const current = moduleVersion(db, module)
  if (current > migrations.length) {
    throw new Error(
      `Database schema of module ${module} is at version ${current}, newer than this engine understands (${migrations.length})`
    )
  }
  const record = db.prepare(
    'INSERT INTO schema_modules (module, version) VALUES (?, ?) ON CONFLICT (module) DO UPDATE SET version = excluded.version'
  )
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v] as string)
      record.run(module, v + 1)
    })()
  }
}

import Database from 'better-sqlite3'

/**
 * Where better-sqlite3's compiled addon comes from in this process. better-sqlite3 is not N-API:
 * one `node_modules` holds Node's build (the CLI, `serve`, the tests), and the Electron main
 * process, whose ABI differs, loads a build made for its Electron version instead (see
 * src/main/services/native). Set once at start-up, before any database opens; every SQLite handle
 * of the engine, its checkpoint worker and the console cache opens through {@link openSqlite}.
 */
let nativeBinding: string | undefined

/** Makes every later {@link openSqlite} load the addon at `path` (undefined: the default build). */
export function useSqliteNativeBinding(path: string | undefined): void {
  nativeBinding = path
}

/** The addon path set by {@link useSqliteNativeBinding}, or undefined for the default build. */
export function sqliteNativeBinding(): string | undefined {
  return nativeBinding
}

/** Opens (creating if needed) the SQLite file at `path` with this process's addon. */
export function openSqlite(path: string): Database.Database {
  return nativeBinding ? new Database(path, { nativeBinding }) : new Database(path)
}

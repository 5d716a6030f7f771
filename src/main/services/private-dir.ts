import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs'

/** Mode of the console's data folder and of every folder it creates there: this user only. */
export const PRIVATE_DIR_MODE = 0o700

/**
 * What the console writes in its data folder (settings, profiles, tokens, caches, the engine's
 * database, Electron's own folder, temp files of atomic writes). A folder holding nothing else is
 * the console's own: its mode may be tightened without touching anybody else's files.
 */
const OWN_ENTRY =
  /^(?:environments\.json|window-state\.json|notifications\.json|update\.json|serve-token|otlp-ingest-token|engine\.db(?:-wal|-shm|-journal)?|cache|electron|.+\.tmp)$/

/**
 * Creates `dir` and its missing parents readable by this user only (0700): the data folder holds
 * the cache databases, the engine's database, profiles and tokens, which no other local user may
 * read. Synchronous and idempotent: every place that creates the folder or a folder in it calls
 * this first.
 *
 * A folder that already exists open to others (made 0755 by earlier versions) is tightened to
 * 0700 when it is the console's own: owned by this user and holding nothing but what the console
 * writes. Any other folder (a home directory given as `--data-dir`, a shared folder) is left as it
 * is, since changing its mode could break whatever else uses it; the answer then is a sentence
 * for the log saying what is exposed and how to close it. Null when there is nothing to say.
 * Windows has no such modes; there the folder is only created.
 */
export function ensurePrivateDir(dir: string): string | null {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (process.platform === 'win32') return null
  const st = statSync(dir)
  const open = st.mode & 0o077
  if (open === 0) return null
  const mode = (st.mode & 0o777).toString(8)
  const ours = st.uid === process.getuid?.() && readdirSync(dir).every((e) => OWN_ENTRY.test(e))
  if (ours) {
    chmodSync(dir, PRIVATE_DIR_MODE)
    return `data folder ${dir} was open to other users (mode ${mode}); it is now 700`
  }
  return (
    `data folder ${dir} is open to other users (mode ${mode}) and holds files the console ` +
    `did not write, so it was left as it is; its cache, engine database and tokens are exposed ` +
    `to them: run chmod 700 on it, or use a folder of its own`
  )
}

/**
 * Creates an empty file readable by this user only (0600) unless it exists: done before SQLite
 * opens a database there, because SQLite gives a new file the process's default mode (0644) and
 * its -wal and -shm files the mode of the database file. An empty file is a new database to it.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600))
}

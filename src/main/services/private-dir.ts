import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync
} from 'node:fs'

/** Mode of the console's data folder and of every folder it creates there: this user only. */
const PRIVATE_DIR_MODE = 0o700

/**
 * What the console writes in its data folder (settings, profiles, tokens, the cache folder, the
 * engine's database, Electron's own folder, the temp files of its atomic JSON writes). A folder
 * holding something of this and nothing else is the console's own: its mode may be tightened
 * without touching anybody else's files.
 */
const DATA_DIR_ENTRY =
  /^(?:(?:environments|window-state|notifications|update)\.json(?:\.\d+\.tmp)?|serve-token|otlp-ingest-token|engine\.db(?:-wal|-shm|-journal)?|cache|electron)$/

/**
 * Creates `dir` and its missing parents readable by this user only (0700): the data folder holds
 * the cache databases, the engine's database, profiles and tokens, which no other local user may
 * read. Synchronous and idempotent: every place that creates the folder or a folder in it calls
 * this first.
 *
 * A folder that already exists open to others (made 0755 by earlier versions) is tightened to
 * 0700 when it is the console's own: not a link, owned by this user, not empty, and holding
 * nothing but what the console writes there (`own`). Any other folder (a home directory given as `--data-dir`, a shared folder) is left as it
 * is, since changing its mode could break whatever else uses it; the answer then is a sentence
 * for the log saying what is exposed and how to close it. Null when there is nothing to say.
 * Windows has no such modes; there the folder is only created.
 */
export function ensurePrivateDir(dir: string, own: RegExp = DATA_DIR_ENTRY): string | null {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (process.platform === 'win32' || created !== undefined) return null
  // A link is somebody's choice of folder: its mode is not ours to change through it.
  const link = lstatSync(dir)
  const st = link.isSymbolicLink() ? statSync(dir) : link
  if ((st.mode & 0o077) === 0) return null
  // An empty folder the console did not just create is nobody's yet (`--data-dir ~/Public`).
  const entries = link.isSymbolicLink() ? [] : readdirSync(dir)
  const ours =
    st.uid === process.getuid?.() && entries.length > 0 && entries.every((e) => own.test(e))
  if (ours) {
    chmodSync(dir, PRIVATE_DIR_MODE)
    return `data folder ${dir} was open to other users (mode ${modeText(st.mode)}); it is now 700`
  }
  return (
    `data folder ${dir} is open to other users (mode ${modeText(st.mode)}) and is not only the ` +
    `console's, so it was left as it is; its cache, engine database and tokens are exposed ` +
    `to them: run chmod 700 on it, or use a folder of its own`
  )
}

function modeText(mode: number): string {
  return (mode & 0o777).toString(8)
}

/**
 * Creates an empty file readable by this user only (0600) unless it exists: done before SQLite
 * opens a database there, because SQLite gives a new file the process's default mode (0644) and
 * its -wal and -shm files the mode of the database file. An empty file is a new database to it.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600))
}

// Where the standalone engine's admin token comes from. A command line is readable by every local
// user (`ps`, /proc/<pid>/cmdline), a process's environment and a 0600 file only by its owner, so
// `--token-file` and CONTROLDECK_ENGINE_TOKEN are the ways to hand over a chosen token; `--token`
// stays for compatibility, and the launcher moves it off its child's command line.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/** The environment variable a chosen admin token can be passed in. */
export const TOKEN_ENV = 'CONTROLDECK_ENGINE_TOKEN'
/**
 * Internal hand-over from the `controldeck-engine` launcher: a `--token` it found on its own
 * command line, passed to the engine process in its environment instead of its argv.
 */
export const ARGV_TOKEN_ENV = 'CONTROLDECK_ENGINE_ARGV_TOKEN'

export const TOKEN_MIN_LENGTH = 16
export const TOKEN_MAX_LENGTH = 512
/** RFC 6750's b64token: what a bearer token can carry in an Authorization header. */
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/
/** A token file is a line, not a document: read no more than this. */
const TOKEN_FILE_MAX_BYTES = 4096

/** What is wrong with `token` as an admin token, or null. Never quotes the token. */
export function tokenProblem(token: string): string | null {
  if (token.length === 0) return 'is empty'
  if (token.length < TOKEN_MIN_LENGTH) return `must be at least ${TOKEN_MIN_LENGTH} characters`
  if (token.length > TOKEN_MAX_LENGTH) return `is too long (at most ${TOKEN_MAX_LENGTH} characters)`
  if (!TOKEN_PATTERN.test(token)) {
    return 'contains characters a bearer token cannot carry (letters, digits and - . _ ~ + / then = only)'
  }
  return null
}

/** Reads a token file: one line (a trailing newline is dropped), at most 4 KiB, a regular file. */
export function readTokenFile(
  path: string
): { ok: true; token: string } | { ok: false; error: string } {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    return {
      ok: false,
      error: `--token-file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`
    }
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return { ok: false, error: `--token-file ${path}: not a regular file` }
    if (st.size > TOKEN_FILE_MAX_BYTES)
      return { ok: false, error: `--token-file ${path}: too large for a token (${st.size} bytes)` }
    const buf = Buffer.alloc(TOKEN_FILE_MAX_BYTES + 1)
    const n = readSync(fd, buf, 0, buf.length, 0)
    if (n > TOKEN_FILE_MAX_BYTES)
      return { ok: false, error: `--token-file ${path}: too large for a token` }
    const token = buf.toString('utf8', 0, n).replace(/\r?\n$/, '')
    const problem = tokenProblem(token)
    return problem
      ? { ok: false, error: `--token-file ${path}: the token ${problem}` }
      : { ok: true, token }
  } finally {
    closeSync(fd)
  }
}

/** The admin token the engine was given, where from, or an error; `token` undefined: generate one. */
export type AdminTokenChoice =
  | { ok: true; token: string; source: '--token' | '--token-file' | typeof TOKEN_ENV }
  | { ok: true; token: undefined }
  | { ok: false; error: string }

/**
 * Picks the admin token from `--token` (or the launcher's hand-over of it), `--token-file`, or
 * CONTROLDECK_ENGINE_TOKEN; a flag wins over the environment, two flags are an error.
 */
export function chooseAdminToken(
  flags: { token?: string; tokenFile?: string },
  env: Record<string, string | undefined>
): AdminTokenChoice {
  const fromArgv = flags.token ?? env[ARGV_TOKEN_ENV]
  if (fromArgv !== undefined && flags.tokenFile !== undefined) {
    return { ok: false, error: 'give the admin token one way: --token or --token-file, not both' }
  }
  if (flags.tokenFile !== undefined) {
    const read = readTokenFile(flags.tokenFile)
    return read.ok ? { ok: true, token: read.token, source: '--token-file' } : read
  }
  const [token, source]: [string | undefined, '--token' | typeof TOKEN_ENV] =
    fromArgv !== undefined ? [fromArgv, '--token'] : [env[TOKEN_ENV], TOKEN_ENV]
  if (token === undefined) return { ok: true, token: undefined }
  const problem = tokenProblem(token)
  return problem ? { ok: false, error: `${source} ${problem}` } : { ok: true, token, source }
}

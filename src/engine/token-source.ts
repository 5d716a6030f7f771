// Where the standalone engine's admin token comes from. A command line is readable by every local
// user (`ps`, /proc/<pid>/cmdline), a process's environment and a 0600 file only by its owner, so
// `--token-file` and CONTROLDECK_ENGINE_TOKEN are the ways to hand over a chosen token; `--token`
// stays for compatibility, and the launcher moves it off its child's command line.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'

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

/**
 * How a token file is opened: never blocking (a FIFO without a writer, a terminal or a tape would
 * otherwise block open() for good) and never becoming our controlling terminal. The path is
 * stat'ed first, so a device is not even opened (opening some has effects); this flag covers one
 * swapped in between, and fstat refuses it. Regular files ignore O_NONBLOCK.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0)

/** What a path is, in words, when it is not a regular file. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory'
  if (st.isFIFO()) return 'a FIFO'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  return 'not a file'
}

/**
 * Reads a token file: one line (a trailing newline is dropped), at most 4 KiB, a regular file.
 * Anything else (a FIFO, a device, a directory, a socket) is refused without reading it, with an
 * error naming the path; nothing here can block.
 */
export function readTokenFile(
  path: string
): { ok: true; token: string } | { ok: false; error: string } {
  const refuse = (why: string): { ok: false; error: string } => ({
    ok: false,
    error: `--token-file ${path}: ${why}`
  })
  const notRegular = (st: Stats) =>
    refuse(`not a regular file (${kindOf(st)}); give a file holding the token`)
  let fd: number
  try {
    const st = statSync(path)
    if (!st.isFile()) return notRegular(st)
    fd = openSync(path, OPEN_FLAGS)
  } catch (err) {
    return refuse(`cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) return notRegular(st)
    if (st.size > TOKEN_FILE_MAX_BYTES)
      return refuse(`too large for a token (${st.size} bytes, at most ${TOKEN_FILE_MAX_BYTES})`)
    const buf = Buffer.alloc(TOKEN_FILE_MAX_BYTES + 1)
    const n = readSync(fd, buf, 0, buf.length, 0)
    if (n > TOKEN_FILE_MAX_BYTES) return refuse('too large for a token')
    const token = buf.toString('utf8', 0, n).replace(/\r?\n$/, '')
    const problem = tokenProblem(token)
    return problem ? refuse(`the token ${problem}`) : { ok: true, token }
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

import { createHash, randomBytes } from 'node:crypto'

/** How long a one-time sign-in code may wait to be used. */
export const LOGIN_CODE_TTL_MS = 60_000

/** Most sign-in codes waiting at once; issuing another forgets the oldest. */
const MAX_PENDING_CODES = 20

/** Most browser sessions kept; a new one ends the oldest (each browser profile makes one). */
const MAX_SESSIONS = 100

/** Options of {@link createBrowserSessions}. */
export interface BrowserSessionsOptions {
  readonly codeTtlMs?: number
  /** The clock (tests move it to expire a code without waiting). */
  readonly now?: () => number
}

/**
 * Browser-mode sign-in. The address `controldeck serve` prints carries a one-time code rather than
 * the token: browsers record a URL in their history before any page script can remove it, so what
 * history keeps must be worthless. The server exchanges the code, once and within `codeTtlMs`, for
 * a session id that only ever travels in an HttpOnly cookie.
 */
export interface BrowserSessions {
  /** A new one-time code. */
  issueCode(): string
  /** Spends `code` and returns a new session id, or null when it is unknown, spent or expired. */
  redeem(code: string | null | undefined): string | null
  /** Whether `sessionId` names a live session. */
  isSession(sessionId: string | null | undefined): boolean
}

/** Codes and session ids are kept only as hashes, so a lookup's timing says nothing about them. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** Creates the sign-in state of one browser-mode server (in memory: a restart signs everyone out). */
export function createBrowserSessions(options: BrowserSessionsOptions = {}): BrowserSessions {
  const ttlMs = options.codeTtlMs ?? LOGIN_CODE_TTL_MS
  const now = options.now ?? Date.now
  // Insertion-ordered: the first entry is the oldest, dropped first when full.
  const codes = new Map<string, number>()
  const sessions = new Set<string>()

  return {
    issueCode() {
      const code = randomBytes(24).toString('base64url')
      codes.set(digest(code), now() + ttlMs)
      while (codes.size > MAX_PENDING_CODES) codes.delete(codes.keys().next().value!)
      return code
    },
    redeem(code) {
      if (typeof code !== 'string' || code.length === 0 || code.length > 200) return null
      const key = digest(code)
      const expiresAt = codes.get(key)
      // Spent on first sight, valid or late: a code never works twice.
      codes.delete(key)
      if (expiresAt === undefined || now() > expiresAt) return null
      const sessionId = randomBytes(32).toString('base64url')
      sessions.add(digest(sessionId))
      while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.values().next().value!)
      return sessionId
    },
    isSession(sessionId) {
      if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 200)
        return false
      return sessions.has(digest(sessionId))
    }
  }
}

/** The session cookie's name; the port keeps two servers on one loopback host from clobbering each other. */
export function sessionCookieName(port: number): string {
  return `controldeck_session_${port}`
}

/**
 * The Set-Cookie value of a new session: HttpOnly (no page script reads it), SameSite=Strict (no
 * other site's page sends it), path-wide, and without Max-Age so it ends with the browser session.
 * Not `Secure`: browser mode is plain http on loopback.
 */
export function sessionCookie(port: number, sessionId: string): string {
  return `${sessionCookieName(port)}=${sessionId}; Path=/; HttpOnly; SameSite=Strict`
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A fresh per-launch secret: 32 random bytes as hex. */
export function createToken(): string {
  return randomBytes(32).toString('hex')
}

/**
 * Compares a presented token with the expected one in constant time. Both sides are hashed first
 * so that neither the length nor the first differing byte leaks through timing.
 */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/**
 * The token of an `Authorization: Bearer …` header, or null when there is none. Never read from
 * the URL: a URL ends up in history, logs and Referer headers.
 */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  return match?.[1] ?? null
}

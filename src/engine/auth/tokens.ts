import { randomBytes, timingSafeEqual, createHash } from 'node:crypto'
import type { Principal } from '../http/router'

/** A role of API §7. */
export type EngineRole = Principal['role']

/**
 * Bearer tokens and the role each one carries. Lookups go through the token's SHA-256 and end
 * with a constant-time comparison, so response timing says nothing about how close a guess was.
 */
export class TokenRegistry {
  private readonly byHash = new Map<string, Principal>()

  /** Registers `token` with `role` (replacing an earlier registration of the same token). */
  add(token: string, role: EngineRole, name: string = role): void {
    if (token.length < 8) throw new RangeError('Tokens must be at least 8 characters long')
    this.byHash.set(hash(token), { token, role, name })
  }

  /** Removes a token; requests that carry it then get 401. */
  remove(token: string): void {
    this.byHash.delete(hash(token))
  }

  /** The principal for `token`, or null when unknown. */
  resolve(token: string): Principal | null {
    const p = this.byHash.get(hash(token))
    if (!p) return null
    const a = Buffer.from(p.token)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b) ? p : null
  }

  /** How many tokens are registered. */
  count(): number {
    return this.byHash.size
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A fresh random admin token (32 bytes, base64url) for engines started without `--token`. */
export function generateToken(): string {
  return `cd_${randomBytes(32).toString('base64url')}`
}

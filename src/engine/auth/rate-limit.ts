import type { Principal } from '../http/router'

/** Token-bucket settings: sustained requests per second and burst size, per bearer token. */
export interface RateLimitOptions {
  perSecond: number
  burst: number
}

/**
 * Generous by default: a local engine serves the console plus a handful of agents, and the limit
 * exists to stop a runaway loop from starving everyone else, not to meter normal use.
 */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 2000, burst: 4000 }

/** A limit per role; `false` leaves that role unthrottled. */
export type RoleRateLimits = Record<Principal['role'], RateLimitOptions | false>

/**
 * Viewer and operator tokens (the console's remote viewers, and every local agent run, which gets
 * an operator token) are limited: one runaway agent must not starve the rest. The admin token is
 * not: it is the operator's own console and load tests, and whoever holds it can reconfigure the
 * engine anyway, so throttling it protects nothing and only fails their work with 429s.
 */
export function roleRateLimits(
  others: RateLimitOptions | false = DEFAULT_RATE_LIMIT,
  admin: RateLimitOptions | false = false
): RoleRateLimits {
  return { viewer: others, operator: others, admin }
}

/** Buckets per bearer token, sized by the token's role (see {@link roleRateLimits}). */
export class PrincipalRateLimiter {
  private readonly byRole: Partial<Record<Principal['role'], RateLimiter>> = {}

  constructor(limits: RoleRateLimits) {
    for (const role of Object.keys(limits) as Array<Principal['role']>) {
      const l = limits[role]
      if (l) this.byRole[role] = new RateLimiter(l)
    }
  }

  /** 0 when `p` may go on, else whole seconds until it may (its Retry-After). */
  take(p: Principal, nowMs = Date.now()): number {
    return this.byRole[p.role]?.take(p.token, nowMs) ?? 0
  }

  /** Drops the buckets of a revoked token. */
  forget(token: string): void {
    for (const l of Object.values(this.byRole)) l.forget(token)
  }
}

interface Bucket {
  tokens: number
  lastMs: number
}

/** Per-key token bucket. `take` answers 0 when allowed, else the seconds to wait (Retry-After). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('rateLimit needs perSecond > 0 and burst >= 1')
    }
  }

  /** Consumes one request for `key`; returns 0 if allowed, else whole seconds until one is available. */
  take(key: string, nowMs = Date.now()): number {
    let b = this.buckets.get(key)
    if (!b) {
      b = { tokens: this.options.burst, lastMs: nowMs }
      this.buckets.set(key, b)
    }
    const elapsed = Math.max(0, nowMs - b.lastMs) / 1000
    b.tokens = Math.min(this.options.burst, b.tokens + elapsed * this.options.perSecond)
    b.lastMs = nowMs
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.options.perSecond))
  }

  /** Drops the bucket of `key` (a revoked token), so per-run tokens do not pile up in memory. */
  forget(key: string): void {
    this.buckets.delete(key)
  }

  /** Keys with a bucket (for tests). */
  get size(): number {
    return this.buckets.size
  }
}

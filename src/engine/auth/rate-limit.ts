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

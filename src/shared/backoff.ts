/**
 * The one backoff of the tree: agent retries (API §8), engine retry advice, console reconnects
 * and polls, HTTP read retries. Delay before retry `n` (0 = the first): `base × 2ⁿ`, capped at
 * `maxDelayMs`, then scaled by a jitter factor in [jitter[0], jitter[1]) so that many clients that
 * failed together do not return in lock-step. Like BRAiN, the cap applies before the jitter.
 */
export interface BackoffOptions {
  /** First delay in ms before jitter (API §8: 1000). */
  baseDelayMs: number
  /** Largest delay in ms before jitter (API §8: 60000). */
  maxDelayMs: number
  /**
   * Jitter factor range, min inclusive. Default API §8's ×0.5–1.5; reconnects use ×0.5–1 so that
   * a delay never passes `maxDelayMs`.
   */
  jitter?: readonly [min: number, max: number]
  /** Random source in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number
}

/** API §8's policy: 1 s × 2ⁿ capped at 60 s, jitter ×0.5–1.5. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { baseDelayMs: 1000, maxDelayMs: 60_000 }

/** Jitter that never exceeds the cap: between half and all of the capped delay. */
export const UNDER_CAP_JITTER = [0.5, 1] as const

/**
 * Delay in ms before retry number `retry` (0 for the first retry).
 * @throws RangeError when `retry` is negative or not an integer.
 */
export function backoffDelay(retry: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(retry) || retry < 0)
    throw new RangeError('retry must be a non-negative integer')
  // 2^retry overflows to Infinity for large n; the cap keeps the result finite either way.
  const capped = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry)
  const [min, max] = options.jitter ?? [0.5, 1.5]
  return Math.round(capped * (min + (max - min) * (options.random ?? Math.random)()))
}

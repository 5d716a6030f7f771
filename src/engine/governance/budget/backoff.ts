/** Retry backoff tuning; the defaults are API §8's. */
export interface BackoffOptions {
  baseMs: number
  capMs: number
  /** Jitter multiplier range, inclusive of min. */
  jitterMin: number
  jitterMax: number
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = {
  baseMs: 1_000,
  capMs: 60_000,
  jitterMin: 0.5,
  jitterMax: 1.5
}

/**
 * The delay before retry number `retry` (0 = the first retry): `base × 2ⁿ`, capped, then scaled by
 * a jitter factor in [jitterMin, jitterMax). Like BRAiN, the cap applies before the jitter, so a
 * capped delay can reach 1.5 × cap; the jitter spreads retries of many jobs that failed together.
 *
 * @param random a source in [0, 1); injectable so tests can pin the jitter.
 * @throws RangeError when `retry` is negative or not an integer.
 */
export function backoffDelayMs(
  retry: number,
  options: Partial<BackoffOptions> = {},
  random: () => number = Math.random
): number {
  if (!Number.isInteger(retry) || retry < 0) throw new RangeError('retry must be a non-negative integer')
  const o = { ...DEFAULT_BACKOFF, ...options }
  // 2^retry overflows to Infinity for large n; the cap keeps the result finite either way.
  const raw = Math.min(o.baseMs * 2 ** retry, o.capMs)
  const jitter = o.jitterMin + (o.jitterMax - o.jitterMin) * random()
  return Math.round(raw * jitter)
}

/** How the SDK waits between attempts of one job. */
export interface BackoffOptions {
  /** First delay in ms before jitter (API §8: 1000). Lower it in tests and demos. */
  baseDelayMs: number
  /** Largest delay in ms before jitter (API §8: 60000). */
  maxDelayMs: number
  /** Random source in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number
}

/** API §8's policy: 1 s × 2ⁿ capped at 60 s, jitter ×0.5–1.5. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 1000, maxDelayMs: 60_000 }

/**
 * Delay before retry number `retry` (0 for the first retry): base × 2ⁿ capped at max, times a
 * jitter factor in [0.5, 1.5) so that many agents failing together do not retry in lock-step.
 */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry))
  const jitter = 0.5 + (options.random ?? Math.random)()
  return Math.round(exponential * jitter)
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

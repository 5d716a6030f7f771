/** Reconnect/poll delays: exponential from `initialMs` to `maxMs`, with jitter so clients that lost the same server do not return in lockstep. */
export interface BackoffOptions {
  initialMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 }

/** Delay before retry number `attempt` (0-based): between half and all of min(max, initial·2^attempt). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling * (0.5 + random() * 0.5))
}

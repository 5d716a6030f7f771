/** A timer handle as returned by `Clock.setTimeout`. */
export interface TimerHandle {
  /** Cancels the timer; calling it after the timer fired is harmless. */
  cancel(): void
}

/**
 * Where governance reads time and schedules work. Everything time-based (breaker recovery,
 * cooldowns, server-side timeouts, trigger windows) goes through one of these so that tests can
 * drive it with vitest's fake timers.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Runs `fn` after `ms` milliseconds; the timer never keeps the process alive on its own. */
  setTimeout(fn: () => void, ms: number): TimerHandle
}

/**
 * The real clock. It reads `Date.now` and `setTimeout` at call time (not at import), which is what
 * lets `vi.useFakeTimers()` take over after the module is loaded.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms))
    // An armed enforcement timer must not stop the engine process from exiting on close.
    if (typeof t === 'object' && t !== null && 'unref' in t) t.unref()
    return { cancel: () => clearTimeout(t) }
  }
}

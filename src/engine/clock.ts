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
    // Node's timers run on a monotonic clock rounded to whole milliseconds, so one can fire a
    // millisecond before Date.now() reaches its due time; a deadline must never be enforced early
    // (a 120 ms budget read as "timed out after 119 ms"), so an early wake-up sleeps the rest.
    const due = Date.now() + Math.max(0, ms)
    let t: ReturnType<typeof setTimeout>
    const arm = (wait: number): void => {
      t = setTimeout(() => {
        const left = due - Date.now()
        if (left > 0) arm(left)
        else fn()
      }, wait)
      // An armed enforcement timer must not stop the engine process from exiting on close.
      if (typeof t === 'object' && t !== null && 'unref' in t) t.unref()
    }
    arm(Math.max(0, ms))
    return { cancel: () => clearTimeout(t) }
  }
}

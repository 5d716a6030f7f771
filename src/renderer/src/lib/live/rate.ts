/**
 * Counts per whole second over a sliding window, for the events-per-second sparkline. Immutable:
 * every update returns a new object so zustand selectors see a change.
 */
export interface RateWindow {
  /** Epoch second of the last bucket. */
  endSec: number
  /** Counts, oldest first; `counts[counts.length - 1]` is second `endSec`. */
  counts: number[]
}

/** Seconds the sparkline covers. */
export const RATE_WINDOW_SECONDS = 120

export function emptyRate(nowMs: number, size = RATE_WINDOW_SECONDS): RateWindow {
  return { endSec: Math.floor(nowMs / 1000), counts: new Array<number>(size).fill(0) }
}

/** Moves the window forward to `nowMs` (zero-filling skipped seconds) and adds `count` to the current second. */
export function addToRate(w: RateWindow, count: number, nowMs: number): RateWindow {
  const sec = Math.floor(nowMs / 1000)
  const size = w.counts.length
  let counts: number[]
  if (sec <= w.endSec) counts = w.counts.slice()
  else {
    const shift = Math.min(sec - w.endSec, size)
    counts = w.counts.slice(shift).concat(new Array<number>(shift).fill(0))
  }
  const endSec = Math.max(sec, w.endSec)
  // Late arrivals (sec < endSec) count toward their own second if still in the window.
  const idx = size - 1 - (endSec - sec)
  if (idx >= 0) counts[idx] = (counts[idx] ?? 0) + count
  return { endSec, counts }
}

/** Events per second over the last complete `seconds` seconds (the current second is partial). */
export function recentRate(w: RateWindow, nowMs: number, seconds = 5): number {
  const aligned = addToRate(w, 0, nowMs)
  const c = aligned.counts
  const slice = c.slice(Math.max(0, c.length - 1 - seconds), c.length - 1)
  return slice.length ? slice.reduce((a, b) => a + b, 0) / slice.length : 0
}

/** One transition as the waterfall needs it. */
export interface TransitionPoint {
  to_state: string
  timestamp: string
}

/** A coloured span of one entity's bar: the entity was in `state` from `start` to `end` (epoch ms). */
export interface Segment {
  state: string
  start: number
  end: number
  /** Still in this state (the bar reaches "now"). */
  open: boolean
}

/**
 * Whether a state ends an entity's bar: a terminal state, or a failure (a job waiting in
 * failed_mechanical may be retried, but until then its bar ends at the failure rather than
 * running on to the right edge as if it still ran).
 */
export function endsBar(isTerminal: (state: string) => boolean, state: string): boolean {
  return isTerminal(state) || state.startsWith('failed')
}

/**
 * Turns an entity's transition history (oldest first) into bar segments. The last segment runs
 * to `now` unless its state ends the bar (terminal or failed, see endsBar). A job's returns to `running` after `failed_mechanical`
 * appear as separate segments, which is how retries show on the bar.
 */
export function segmentsOf(
  history: readonly TransitionPoint[],
  isTerminal: (state: string) => boolean,
  now: number
): Segment[] {
  const out: Segment[] = []
  history.forEach((point, i) => {
    const start = Date.parse(point.timestamp)
    if (Number.isNaN(start)) return
    const state = point.to_state
    const next = history[i + 1]
    if (next) {
      const end = Date.parse(next.timestamp)
      out.push({ state, start, end: Number.isNaN(end) ? start : Math.max(end, start), open: false })
    } else if (endsBar(isTerminal, state)) {
      out.push({ state, start, end: start, open: false })
    } else {
      out.push({ state, start, end: Math.max(now, start), open: true })
    }
  })
  return out
}

/** How many times a history re-entered `running` (retries of a job). */
export function retryCount(history: readonly TransitionPoint[]): number {
  let runs = 0
  for (const t of history) if (t.to_state === 'running') runs++
  return Math.max(0, runs - 1)
}

/** Linear time scale of the waterfall: epoch ms → fraction of the width (0…1). */
export interface TimeScale {
  start: number
  end: number
}

export function scaleOf(points: Iterable<number>, fallbackStart: number, now: number): TimeScale {
  let start = Infinity
  let end = -Infinity
  for (const p of points) {
    if (!Number.isFinite(p)) continue
    if (p < start) start = p
    if (p > end) end = p
  }
  if (!Number.isFinite(start)) start = fallbackStart
  if (!Number.isFinite(end) || end <= start) end = Math.max(start + 1000, now)
  return { start, end }
}

/** Wall-clock span of a history's bar: first transition to the end of the last segment. */
export function spanOf(
  segments: readonly Segment[]
): { start: number; end: number; open: boolean } | null {
  const first = segments[0]
  const last = segments.at(-1)
  if (!first || !last) return null
  return { start: first.start, end: last.end, open: last.open }
}

/** Fraction (0…1) of `t` on the scale, clamped. */
export function fraction(scale: TimeScale, t: number): number {
  const f = (t - scale.start) / (scale.end - scale.start)
  return f < 0 ? 0 : f > 1 ? 1 : f
}

/**
 * The waterfall's time axis: a visible window (zoomed and panned) over the trace's full span,
 * and evenly spaced "nice" ticks labelled as offsets from the trace's start. Pure, so the ruler,
 * the bars and the minimap agree and the arithmetic is tested on its own.
 */

/** A time window in epoch ms. */
export interface TimeWindow {
  start: number
  end: number
}

/** One tick of the ruler: where (epoch ms) and its label (offset from the trace's start). */
export interface Tick {
  t: number
  label: string
}

const STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000,
  300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000
]

/** The smallest shown span: zooming stops at a few milliseconds across the whole width. */
export const MIN_SPAN_MS = 5

/** An offset as the ruler writes it: "0", "250 ms", "1.5 s", "2 min", "1 h 30 min". */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0'
  const a = Math.abs(ms)
  const sign = ms < 0 ? '−' : ''
  if (a < 1000) return `${sign}${Math.round(a)} ms`
  if (a < 60_000) return `${sign}${Number((a / 1000).toFixed(a % 1000 === 0 ? 0 : 1))} s`
  if (a < 3_600_000) {
    const m = Math.floor(a / 60_000)
    const s = Math.round((a % 60_000) / 1000)
    return `${sign}${m} min${s ? ` ${s} s` : ''}`
  }
  const h = Math.floor(a / 3_600_000)
  const m = Math.round((a % 3_600_000) / 60_000)
  return `${sign}${h} h${m ? ` ${m} min` : ''}`
}

/**
 * Ticks for a window: the smallest nice step giving at most `maxTicks` ticks, placed on
 * multiples of the step counted from `origin` (the trace's start, so labels read 0, 2 s, 4 s…).
 */
export function ticksOf(window: TimeWindow, origin: number, maxTicks: number): Tick[] {
  const span = window.end - window.start
  if (!(span > 0) || maxTicks < 1) return []
  const step =
    STEPS_MS.find((s) => span / s <= maxTicks) ??
    Math.ceil(span / maxTicks / 86_400_000) * 86_400_000
  const first = origin + Math.ceil((window.start - origin) / step) * step
  const out: Tick[] = []
  for (let t = first; t <= window.end && out.length <= maxTicks; t += step)
    out.push({ t, label: formatOffset(t - origin) })
  return out
}

/** Keeps a window inside the full span (shifting it, never shrinking below MIN_SPAN_MS). */
export function clampWindow(w: TimeWindow, full: TimeWindow): TimeWindow {
  const fullSpan = full.end - full.start
  const span = Math.min(Math.max(w.end - w.start, Math.min(MIN_SPAN_MS, fullSpan)), fullSpan)
  let start = Math.max(full.start, Math.min(w.start, full.end - span))
  if (!Number.isFinite(start)) start = full.start
  return { start, end: start + span }
}

/**
 * Zooms by `factor` (> 1 zooms in) keeping the instant at `anchor` (0…1 across the window) under
 * the pointer, as a mouse wheel zoom does; the keyboard zooms about the middle (0.5).
 */
export function zoomWindow(
  w: TimeWindow,
  full: TimeWindow,
  factor: number,
  anchor = 0.5
): TimeWindow {
  const span = w.end - w.start
  const at = w.start + span * Math.min(1, Math.max(0, anchor))
  const next = span / factor
  return clampWindow({ start: at - next * anchor, end: at - next * anchor + next }, full)
}

/** Pans by `fraction` of the window's width (negative: towards the start). */
export function panWindow(w: TimeWindow, full: TimeWindow, fraction: number): TimeWindow {
  const d = (w.end - w.start) * fraction
  return clampWindow({ start: w.start + d, end: w.end + d }, full)
}

/** A point of a time series: `x` is usually epoch milliseconds. */
export interface XY {
  x: number
  y: number
}

/** Charts keep at most this many points per horizontal pixel (perf-anchors: Chart.js decimation). */
export const MAX_POINTS_PER_PIXEL = 4

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last point and, per
 * bucket, the point forming the largest triangle with the previous pick and the next bucket's mean.
 * Returns the input itself when it is already small enough, so memoised callers keep identity.
 */
export function lttb<T extends XY>(points: readonly T[], threshold: number): readonly T[] {
  const n = points.length
  const first = points[0]
  const last = points[n - 1]
  if (!first || !last || threshold >= n) return points
  if (threshold <= 2) return n > 2 ? [first, last] : points
  // Every index below stays in [0, n) by the bucket bounds, so the reads carry `!`.
  const out: T[] = [first]
  const bucketSize = (n - 2) / (threshold - 2)
  let a = 0
  for (let i = 0; i < threshold - 2; i++) {
    const start = Math.floor(i * bucketSize) + 1
    const end = Math.min(Math.floor((i + 1) * bucketSize) + 1, n - 1)
    // Mean of the next bucket (or the last point for the final bucket).
    const nextStart = end
    const nextEnd = Math.min(Math.floor((i + 2) * bucketSize) + 1, n)
    let avgX = 0
    let avgY = 0
    const nextLen = Math.max(nextEnd - nextStart, 1)
    for (let j = nextStart; j < nextStart + nextLen && j < n; j++) {
      const p = points[j]!
      avgX += p.x
      avgY += p.y
    }
    avgX /= nextLen
    avgY /= nextLen
    const pa = points[a]!
    let maxArea = -1
    let pick = start
    for (let j = start; j < end; j++) {
      const pj = points[j]!
      const area = Math.abs((pa.x - avgX) * (pj.y - pa.y) - (pa.x - pj.x) * (avgY - pa.y))
      if (area > maxArea) {
        maxArea = area
        pick = j
      }
    }
    out.push(points[pick]!)
    a = pick
  }
  out.push(last)
  return out
}

/**
 * Min-max decimation: per bucket keeps the lowest and highest point in x order, so spikes survive.
 * Cheaper than LTTB; used for high-rate live series.
 */
export function minMax<T extends XY>(points: readonly T[], threshold: number): readonly T[] {
  const n = points.length
  if (threshold >= n) return points
  const buckets = Math.max(1, Math.floor(threshold / 2))
  const size = n / buckets
  const out: T[] = []
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size)
    const end = Math.min(Math.floor((b + 1) * size), n)
    if (start >= end) continue
    // start < end <= n: every index below is in range.
    let lo = start
    let hi = start
    for (let j = start + 1; j < end; j++) {
      const y = points[j]!.y
      if (y < points[lo]!.y) lo = j
      if (y > points[hi]!.y) hi = j
    }
    if (lo === hi) out.push(points[lo]!)
    else if (lo < hi) out.push(points[lo]!, points[hi]!)
    else out.push(points[hi]!, points[lo]!)
  }
  return out
}

/** Downsamples a series for a chart `widthPx` wide to at most MAX_POINTS_PER_PIXEL per pixel. */
export function downsampleForWidth<T extends XY>(
  points: readonly T[],
  widthPx: number,
  method: 'lttb' | 'minmax' = 'lttb'
): readonly T[] {
  const threshold = Math.max(3, Math.floor(Math.max(widthPx, 1) * MAX_POINTS_PER_PIXEL))
  return method === 'lttb' ? lttb(points, threshold) : minMax(points, threshold)
}

/**
 * Sums additive per-second counts into at most `maxPoints` equal-width bins (by index), keeping
 * each bin's first x. Totals are preserved, which matters for counts (LTTB would drop events).
 */
export function binSum<T extends { x: number }>(
  points: readonly T[],
  maxPoints: number,
  keys: ReadonlyArray<keyof T & string>
): readonly T[] {
  const n = points.length
  if (n <= maxPoints) return points
  const size = Math.ceil(n / Math.max(1, maxPoints))
  const out: T[] = []
  for (let start = 0; start < n; start += size) {
    // start < n and j < n: both reads are in range.
    const bin = { ...points[start]! }
    for (let j = start + 1; j < Math.min(start + size, n); j++)
      for (const k of keys) (bin[k] as number) = (bin[k] as number) + (points[j]![k] as number)
    out.push(bin)
  }
  return out
}

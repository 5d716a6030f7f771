/** Upper bounds (ms) of the request-latency histogram buckets. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 5000] as const

interface RouteStats {
  byStatus: Map<number, number>
  buckets: number[]
  count: number
  sum: number
}

/** In-memory HTTP request counters and latency histograms per route, for /metrics. */
export class HttpMetrics {
  private readonly routes = new Map<string, RouteStats>()
  authorizations = 0
  denials = 0

  /** Records one finished request. */
  record(route: string, status: number, durationMs: number): void {
    let s = this.routes.get(route)
    if (!s) {
      s = { byStatus: new Map(), buckets: LATENCY_BUCKETS_MS.map(() => 0), count: 0, sum: 0 }
      this.routes.set(route, s)
    }
    s.byStatus.set(status, (s.byStatus.get(status) ?? 0) + 1)
    s.count++
    s.sum += durationMs
    for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
      if (durationMs <= (LATENCY_BUCKETS_MS[i] as number))
        s.buckets[i] = (s.buckets[i] as number) + 1
    }
  }

  /** Records one permission check. */
  authorize(allowed: boolean): void {
    this.authorizations++
    if (!allowed) this.denials++
  }

  /** A snapshot of every route's stats. */
  snapshot(): Array<{ route: string } & RouteStats> {
    return [...this.routes.entries()].map(([route, s]) => ({ route, ...s }))
  }
}

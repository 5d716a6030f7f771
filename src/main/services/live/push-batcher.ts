import { LIVE_PUSH_INTERVAL_MS, LIVE_PUSH_MAX_BYTES, type LiveEvent } from '../../../shared/console/domains/live'

/** Events waiting for a slow renderer beyond this are dropped oldest first (the cache keeps them all). */
export const PUSH_QUEUE_MAX = 20_000

/**
 * Paces live events to one renderer subscription: at most one push per 16 ms (one animation
 * frame) and at most 64 KB of JSON per push, so a burst of 50,000 events/s reaches the UI as ~60
 * bounded pushes per second instead of 50,000 IPC messages. An event that alone exceeds the push
 * budget is sent with its data replaced by `{_truncated, _bytes}`; the full event stays in the
 * cache (getRecentEvents).
 */
export class PushBatcher {
  private queue: { event: LiveEvent; bytes: number }[] = []
  private head = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastPushAt = 0
  private closed = false
  /** Events dropped because the queue overflowed. */
  dropped = 0

  constructor(
    private readonly push: (events: LiveEvent[]) => void,
    private readonly options: { intervalMs: number; maxBytes: number } = {
      intervalMs: LIVE_PUSH_INTERVAL_MS,
      maxBytes: LIVE_PUSH_MAX_BYTES
    }
  ) {}

  get pending(): number {
    return this.queue.length - this.head
  }

  add(events: readonly LiveEvent[]): void {
    if (this.closed || events.length === 0) return
    for (const event of events) {
      let bytes: number
      try {
        bytes = JSON.stringify(event).length
      } catch {
        bytes = Number.POSITIVE_INFINITY // cannot be serialized: send the envelope only
      }
      let item = event
      // Room for the envelope ({subscriptionId, events:[…]}) is kept below the budget.
      if (bytes > this.options.maxBytes - 256) {
        item = { ...event, data: Number.isFinite(bytes) ? { _truncated: true, _bytes: bytes } : { _truncated: true } }
        bytes = JSON.stringify(item).length
      }
      this.queue.push({ event: item, bytes })
    }
    const overflow = this.pending - PUSH_QUEUE_MAX
    if (overflow > 0) {
      this.head += overflow
      this.dropped += overflow
    }
    this.schedule()
  }

  private schedule(): void {
    if (this.timer !== null || this.closed || this.pending === 0) return
    const wait = Math.max(0, this.lastPushAt + this.options.intervalMs - Date.now())
    this.timer = setTimeout(() => {
      this.timer = null
      this.flushOne()
    }, wait)
  }

  private flushOne(): void {
    if (this.closed || this.pending === 0) return
    const batch: LiveEvent[] = []
    let bytes = 64
    while (this.head < this.queue.length) {
      const next = this.queue[this.head] as { event: LiveEvent; bytes: number }
      if (batch.length > 0 && bytes + next.bytes + 1 > this.options.maxBytes - 256) break
      batch.push(next.event)
      bytes += next.bytes + 1
      this.head++
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
    this.push(batch)
    // Measured after the push, so the next one starts a full interval after this one ended.
    this.lastPushAt = Date.now()
    this.schedule()
  }

  close(): void {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.queue = []
    this.head = 0
  }
}

/** Schedules one callback for the next frame; injectable so tests run without a browser. */
export type FrameScheduler = (callback: () => void) => void

/** What drains a buffer: receives everything pushed since the last flush, in order. */
export type FlushHandler<T> = (items: T[]) => void

/**
 * Collects high-rate items (stream events) outside React and hands them over at most once per
 * animation frame, so that 10,000 events/s cost ~60 store updates per second rather than 10,000.
 * While paused, items are still kept (up to `maxPaused`, oldest dropped) and flushed on resume.
 * The same bound holds while a flush is due but no frame comes: a hidden tab or a minimised
 * window gets no animation frames, and the stream keeps arriving.
 */
export class FrameBuffer<T> {
  private pending: T[] = []
  private scheduled = false
  private paused = false
  private dropped = 0

  constructor(
    private readonly onFlush: FlushHandler<T>,
    private readonly schedule: FrameScheduler = defaultScheduler,
    private readonly maxPaused = 50_000
  ) {}

  /** Adds items; schedules a flush unless one is already due or the buffer is paused. */
  push(items: readonly T[]): void {
    if (items.length === 0) return
    for (const item of items) this.pending.push(item)
    if (this.pending.length > this.maxPaused) {
      const over = this.pending.length - this.maxPaused
      this.pending.splice(0, over)
      this.dropped += over
    }
    this.request()
  }

  /** Stops handing items over (live tails frozen); items keep accumulating. */
  pause(): void {
    this.paused = true
  }

  /** Resumes and flushes what accumulated while paused. */
  resume(): void {
    this.paused = false
    this.request()
  }

  get isPaused(): boolean {
    return this.paused
  }

  /** Items waiting for the next flush. */
  get size(): number {
    return this.pending.length
  }

  /** Items discarded because the paused backlog overflowed. */
  get droppedCount(): number {
    return this.dropped
  }

  /** Flushes now (used by tests and on teardown). */
  flush(): void {
    this.scheduled = false
    if (this.paused || this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.onFlush(batch)
  }

  private request(): void {
    if (this.scheduled || this.paused) return
    this.scheduled = true
    this.schedule(() => this.flush())
  }
}

function defaultScheduler(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback())
  else setTimeout(callback, 16)
}

import type { Store } from '../store/store'
import type { IngestMapper } from './ingest-mapper'

/** Longest a slice of mapping holds the event loop before yielding to I/O, with no export arriving. */
const SLICE_MS = 20
/**
 * The same while an export is being received: its body arrives in chunks, one per event-loop
 * turn, so every slice in between delays its answer. Accepting comes first; mapping takes the gaps
 * (and catches up when the backlog bound answers 429).
 */
const BUSY_SLICE_MS = 2
/** An export ended this recently: its answer (after the commit) and the client's next one are near. */
const BUSY_GRACE_MS = 5
/** Delay before mapping what a request stored: a few exports arriving together share a run. */
const START_DELAY_MS = 2

/**
 * Runs the mapper behind the receiver: timer-driven, in bounded steps (each settles a few traces,
 * their writes sharing the store's batch and its one COMMIT), yielding to I/O between slices of
 * at most {@link SLICE_MS} so exports and REST reads are served while a backlog is mapped.
 */
export class MapperLoop {
  private scheduled: NodeJS.Timeout | NodeJS.Immediate | null = null
  private closed = false
  private waiters: Array<() => void> = []
  /** Spans mapped per second over the last slices (for Retry-After), 0 before the first. */
  rate = 0
  private receiving = 0
  private lastReceived = -Infinity

  constructor(
    private readonly mapper: IngestMapper,
    private readonly store: Store,
    private readonly onError: (err: unknown) => void
  ) {}

  /** An export is being received (read, decoded, stored): mapping yields more often meanwhile. */
  receiveStarted(): void {
    this.receiving++
  }

  /** The export is stored (or refused); `stored`: it added spans to map. */
  receiveEnded(stored: boolean): void {
    this.receiving--
    this.lastReceived = performance.now()
    if (stored) this.kick()
  }

  /** Something was stored: map it soon. */
  kick(): void {
    if (this.closed || this.scheduled) return
    this.scheduled = setTimeout(() => this.run(), START_DELAY_MS)
  }

  /**
   * Resolves once every span stored so far is mapped and committed (spans still waiting for a
   * parent stay pending: that is the orphan sweep's business, not the backlog's).
   */
  drained(): Promise<void> {
    if (this.mapper.backlog === 0 && !this.scheduled) return this.store.committed()
    this.kick()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  close(): void {
    this.closed = true
    if (this.scheduled) {
      clearTimeout(this.scheduled as NodeJS.Timeout)
      clearImmediate(this.scheduled as NodeJS.Immediate)
      this.scheduled = null
    }
    for (const w of this.waiters.splice(0)) w()
  }

  private run(): void {
    this.scheduled = null
    if (this.closed || !this.store.db.open) return
    const t0 = performance.now()
    const busy = this.receiving > 0 || t0 - this.lastReceived < BUSY_GRACE_MS
    const deadline = t0 + (busy ? BUSY_SLICE_MS : SLICE_MS)
    let mapped = 0
    let failed = false
    try {
      for (;;) {
        const n = this.mapper.mapBatch(deadline)
        mapped += n
        if (n === 0 || performance.now() >= deadline) break
      }
    } catch (err) {
      failed = true
      this.onError(err)
    }
    const ms = performance.now() - t0
    if (mapped > 0 && ms > 0)
      this.rate =
        this.rate === 0 ? (mapped * 1000) / ms : 0.8 * this.rate + 0.2 * ((mapped * 1000) / ms)
    if (failed && this.mapper.backlog > 0) {
      // The store itself failed (disk full, I/O): retry in a while, not in a hot loop.
      this.scheduled = setTimeout(() => this.run(), 1000)
      return
    }
    if (this.mapper.backlog > 0) {
      // Yield: the batch commits, pending I/O (exports, reads) is served, then the next slice.
      this.scheduled = setImmediate(() => this.run())
      return
    }
    const waiters = this.waiters.splice(0)
    if (waiters.length > 0)
      void this.store.committed().then(
        () => waiters.forEach((w) => w()),
        () => waiters.forEach((w) => w())
      )
  }
}

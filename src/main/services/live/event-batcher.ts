import { LIVE_PUSH_INTERVAL_MS, LIVE_PUSH_MAX_BYTES } from '../../../shared/console/domains/live'
import type { ConsoleEventMessage } from '../../../shared/console/ipc'

/** Timers the batcher runs on; tests pass a manual clock so nothing depends on real time. */
export interface BatchClock {
  now(): number
  setTimeout(run: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const REAL_CLOCK: BatchClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
}

export interface EventBatcherOptions {
  /** Least time between two pushes (one animation frame). */
  readonly intervalMs?: number
  /** JSON bytes one push aims to stay under; a single larger event still goes, alone. */
  readonly maxBytes?: number
  /**
   * Queued bytes beyond which the oldest droppable messages are dropped (counted in `dropped`):
   * memory stays bounded when producers outrun one push per frame, and the pace stays one push.
   */
  readonly maxBacklogBytes?: number
  /**
   * Which messages may be dropped under backlog: `onEvents` by default, since the cache keeps
   * every live event (getRecentEvents); state changes and run output are never dropped.
   */
  readonly droppable?: (name: string) => boolean
  readonly clock?: BatchClock
}

/** Bytes of a message as JSON; one that cannot be serialized counts as a full push. */
function sizeOf(message: ConsoleEventMessage, maxBytes: number): number {
  try {
    return JSON.stringify(message).length + 1
  } catch {
    return maxBytes
  }
}

/** One queued message; `message` null once pushed or dropped (the entry is skipped when reached). */
interface Queued {
  message: ConsoleEventMessage | null
  readonly bytes: number
  readonly droppable: boolean
}

/**
 * A first-in-first-out list with O(1) amortised `shift`: a head index instead of Array.shift
 * (which moves every element), compacted once the consumed part outgrows the rest.
 */
class Fifo<T> {
  private items: T[] = []
  private head = 0

  push(item: T): void {
    this.items.push(item)
  }

  peek(): T | undefined {
    return this.items[this.head]
  }

  shift(): T | undefined {
    const item = this.items[this.head]
    if (item === undefined) return undefined
    this.head++
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }
}

/**
 * The one pacing stage of a transport (Electron IPC, browser-mode SSE): events added within one
 * interval leave together as one ordered batch, at most one push per interval (one animation
 * frame) and about `maxBytes` each, so a burst of 50,000 events/s reaches a window as ~60 bounded
 * pushes per second. The first event after a quiet interval leaves on the next tick, so a lone
 * event (a connection state change) is not delayed by a frame. Producers only size their
 * payloads (chunkForPush); nothing before this waits on a timer.
 */
export class EventBatcher {
  /** Every message not yet pushed, in order (a dropped one stays as an empty entry until reached). */
  private queue = new Fifo<Queued>()
  /** The droppable ones among them, oldest first: dropping never scans the whole queue. */
  private droppables = new Fifo<Queued>()
  private queued = 0
  private queuedBytes = 0
  private timer: unknown = null
  private lastPushAt = Number.NEGATIVE_INFINITY
  private closed = false
  private readonly intervalMs: number
  private readonly maxBytes: number
  private readonly maxBacklogBytes: number
  private readonly droppable: (name: string) => boolean
  private readonly clock: BatchClock
  /** Messages dropped because the backlog outgrew `maxBacklogBytes`. */
  dropped = 0

  constructor(
    private readonly push: (batch: ConsoleEventMessage[]) => void,
    options: EventBatcherOptions = {}
  ) {
    this.intervalMs = options.intervalMs ?? LIVE_PUSH_INTERVAL_MS
    this.maxBytes = options.maxBytes ?? LIVE_PUSH_MAX_BYTES
    this.maxBacklogBytes = options.maxBacklogBytes ?? 64 * this.maxBytes
    this.droppable = options.droppable ?? ((name) => name === 'onEvents')
    this.clock = options.clock ?? REAL_CLOCK
  }

  /** Events waiting for the next push. */
  get pending(): number {
    return this.queued
  }

  /** Queues one event; it leaves with the next push, after every event added before it. */
  add(name: string, payload: unknown): void {
    if (this.closed) return
    const message: ConsoleEventMessage = [name, payload]
    const item: Queued = {
      message,
      bytes: sizeOf(message, this.maxBytes),
      droppable: this.droppable(name)
    }
    this.queue.push(item)
    if (item.droppable) this.droppables.push(item)
    this.queued++
    this.queuedBytes += item.bytes
    if (this.queuedBytes > this.maxBacklogBytes) this.dropOldest()
    this.schedule()
  }

  /**
   * Drops the oldest droppable messages until the backlog is back under its bound. `droppables`
   * holds exactly the droppable messages still queued, oldest first, so each drop is O(1): a flood
   * no longer rescans the backlog on every add. A dropped message leaves an empty entry in the
   * queue (its payload released at once), skipped by the next push.
   */
  private dropOldest(): void {
    while (this.queuedBytes > this.maxBacklogBytes) {
      const item = this.droppables.shift()
      if (!item) return
      this.take(item)
      this.dropped++
    }
  }

  /** Takes a queued message out (pushed or dropped): its payload, bytes and count. */
  private take(item: Queued): ConsoleEventMessage | null {
    const message = item.message
    item.message = null
    this.queued--
    this.queuedBytes -= item.bytes
    return message
  }

  private schedule(): void {
    if (this.timer !== null || this.closed || this.queued === 0) return
    const wait = Math.max(0, this.lastPushAt + this.intervalMs - this.clock.now())
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      this.flush()
    }, wait)
  }

  private flush(): void {
    try {
      this.pushOne()
    } finally {
      // Even after a push that threw, what is still queued goes out next interval.
      this.lastPushAt = this.clock.now()
      this.schedule()
    }
  }

  /** Sends the oldest events that fit in one push (at least one). */
  private pushOne(): void {
    const batch: ConsoleEventMessage[] = []
    let bytes = 2 // the batch's brackets
    for (let item = this.queue.peek(); item; item = this.queue.peek()) {
      if (item.message === null) {
        this.queue.shift() // dropped
        continue
      }
      if (batch.length > 0 && bytes + item.bytes > this.maxBytes) break
      this.queue.shift()
      // Every older droppable message is gone already: this one heads `droppables`.
      if (item.droppable) this.droppables.shift()
      bytes += item.bytes
      batch.push(this.take(item) as ConsoleEventMessage)
    }
    if (batch.length > 0) this.push(batch)
  }

  /** Drops what is queued and stops; later events are ignored. */
  close(): void {
    this.closed = true
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
    this.queue = new Fifo()
    this.droppables = new Fifo()
    this.queued = 0
    this.queuedBytes = 0
  }
}

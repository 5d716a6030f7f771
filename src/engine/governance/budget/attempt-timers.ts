import type { Budget } from '../../../shared/neurorail'
import type { Clock, TimerHandle } from '../../clock'

/** What the timer hands its callback when an attempt overruns. */
export interface Overrun {
  attemptId: string
  jobId: string
  /** Milliseconds since the attempt started running. */
  elapsedMs: number
  budget: Budget
}

/**
 * Server-side attempt deadlines. An attempt that starts running is armed for `timeout_ms +
 * grace_period_ms`; if it has not left `running` by then, the callback fails it. The deadline lives
 * in the engine, not the agent, so a hung or vanished agent is still stopped.
 */
export class AttemptTimers {
  private readonly timers = new Map<string, TimerHandle>()

  constructor(
    private readonly clock: Clock,
    private readonly onOverrun: (o: Overrun) => void
  ) {}

  /**
   * Arms the deadline for an attempt that started at `startedAt` (epoch ms; earlier than now when
   * re-arming after a restart, in which case an already-passed deadline fires at once).
   */
  arm(
    attemptId: string,
    jobId: string,
    budget: Budget,
    startedAt: number = this.clock.now()
  ): void {
    this.disarm(attemptId)
    const deadline = startedAt + budget.timeout_ms + budget.grace_period_ms
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(attemptId)
      this.onOverrun({ attemptId, jobId, budget, elapsedMs: this.clock.now() - startedAt })
    }, deadline - this.clock.now())
    this.timers.set(attemptId, handle)
  }

  /** Cancels an attempt's deadline (it finished in time). */
  disarm(attemptId: string): void {
    this.timers.get(attemptId)?.cancel()
    this.timers.delete(attemptId)
  }

  /** Attempts currently armed. */
  get size(): number {
    return this.timers.size
  }

  /** Cancels every deadline (engine shutdown). */
  close(): void {
    for (const t of this.timers.values()) t.cancel()
    this.timers.clear()
  }
}

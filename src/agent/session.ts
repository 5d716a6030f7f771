import type { BackoffOptions } from './backoff'
import { InvalidTransitionError } from './errors'
import type { HttpClient } from './http'

/** Lifecycle entity types the SDK moves. */
export type Entity = 'mission' | 'job' | 'attempt'

/**
 * What missions, plans and jobs of one agent share: the HTTP client, backoff policy, the engine's
 * features and the agent-wide abort signal (fired by `shutdown`). Internal to the SDK.
 */
export class AgentSession {
  /** Jobs running now; shutdown waits for them to record their cancellation. */
  readonly activeJobs = new Set<Promise<unknown>>()

  constructor(
    readonly http: HttpClient,
    readonly backoff: BackoffOptions,
    /** Feature names from GET /capabilities; empty against BRAiN (no such route). */
    readonly features: ReadonlySet<string>,
    /** Aborted once when the agent shuts down. */
    readonly shutdownSignal: AbortSignal
  ) {}

  /** Whether the engine reports tokens/cost through `POST /telemetry/report` (our extension). */
  get canReportUsage(): boolean {
    return this.features.has('telemetry_report')
  }

  /**
   * Applies one lifecycle action and resolves to the new state. The engine (or BRAiN) decides;
   * a refused transition rejects with the typed error of its NR code.
   */
  async transition(
    entity: Entity,
    id: string,
    action: string,
    metadata: Record<string, unknown> = {}
  ): Promise<string> {
    const event = await this.http.post<{ to_state?: unknown }>(`/lifecycle/${entity}/${id}/transition`, {
      entity_id: id,
      transition: action,
      metadata
    })
    return typeof event?.to_state === 'string' ? event.to_state : 'unknown'
  }

  /**
   * Like `transition`, for closing moves (complete, fail, timeout, cancel) where the engine may
   * already have moved the entity itself (server-side enforcement got there first): an NR-E301
   * refusal is then not an error, and the state the engine holds is returned.
   */
  async settle(entity: Entity, id: string, action: string, metadata: Record<string, unknown> = {}): Promise<string> {
    try {
      return await this.transition(entity, id, action, metadata)
    } catch (err) {
      if (err instanceof InvalidTransitionError) {
        const current = err.details.current_state
        return typeof current === 'string' ? current : 'unknown'
      }
      throw err
    }
  }

  /** Tracks a running job so shutdown can wait for it. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.activeJobs.add(promise)
    const remove = (): void => {
      this.activeJobs.delete(promise)
    }
    promise.then(remove, remove)
    return promise
  }
}

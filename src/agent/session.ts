import type { BackoffOptions } from './backoff'
import { AgentTracing } from './otel'
import { errorFromResponse, InvalidTransitionError } from './errors'
import { retryAfterMs, type HttpClient } from './http'

/** Lifecycle entity types the SDK moves. */
export type Entity = 'mission' | 'job' | 'attempt'

/** One lifecycle action to apply. */
export interface Move {
  entity: Entity
  id: string
  action: string
  metadata?: Record<string, unknown>
}

/**
 * What a run of moves did: the state after each applied move, in order, and the error of the
 * first move that failed (null when all applied). Moves after a failure were not applied.
 */
export interface MovesOutcome {
  states: string[]
  error: unknown
}

/** One result of the engine's batch extensions: the response the single call would have given. */
interface BatchResult {
  status: number
  body: unknown
  headers?: Record<string, string>
}

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
    readonly shutdownSignal: AbortSignal,
    /** The agent's OpenTelemetry spans (no-ops without `connect({ otel })`). */
    readonly tracing: AgentTracing = new AgentTracing(undefined)
  ) {}

  /** Whether the engine reports tokens/cost through `POST /telemetry/report` (our extension). */
  get canReportUsage(): boolean {
    return this.features.has('telemetry_report')
  }

  /** Whether creates accept `transitions` (our extension `create_transitions`). */
  get canCreateWithTransitions(): boolean {
    return this.features.has('create_transitions')
  }

  /**
   * Applies moves in order and stops at the first failure, as calling `transition` for each would.
   * On our engine (`lifecycle_batch`) that is one round trip; elsewhere (BRAiN) one call per move.
   * Only a failure of the request itself (network, auth) rejects; a refused move is returned.
   */
  async moves(moves: readonly Move[]): Promise<MovesOutcome> {
    if (moves.length > 1 && this.features.has('lifecycle_batch')) {
      const res = await this.http.post<{ results?: unknown }>('/lifecycle/batch', {
        transitions: moves.map((m) => ({
          entity_type: m.entity,
          entity_id: m.id,
          transition: m.action,
          metadata: m.metadata ?? {}
        }))
      })
      return outcomeOf(moves, res?.results)
    }
    const states: string[] = []
    for (const m of moves) {
      try {
        states.push(await this.transition(m.entity, m.id, m.action, m.metadata))
      } catch (err) {
        return { states, error: err }
      }
    }
    return { states, error: null }
  }

  /**
   * Creates an entity (`POST /identity/{entity}`) and applies `actions` to it: with
   * `create_transitions` in the same round trip, else by `moves` after the create. Resolves to
   * the created record and what the moves did; a failed create rejects.
   */
  async create<R extends Record<string, unknown>>(
    entity: Entity,
    body: Record<string, unknown>,
    idOf: (record: R) => string,
    actions: readonly string[]
  ): Promise<{ record: R; outcome: MovesOutcome }> {
    if (actions.length > 0 && this.canCreateWithTransitions) {
      const record = await this.http.post<R & { lifecycle?: { results?: unknown } }>(
        `/identity/${entity}`,
        {
          ...body,
          transitions: actions.map((action) => ({ transition: action, metadata: {} }))
        }
      )
      const id = idOf(record)
      return {
        record,
        outcome: outcomeOf(
          actions.map((action) => ({ entity, id, action })),
          record.lifecycle?.results
        )
      }
    }
    const record = await this.http.post<R>(`/identity/${entity}`, body)
    const id = idOf(record)
    return { record, outcome: await this.moves(actions.map((action) => ({ entity, id, action }))) }
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
    const event = await this.http.post<{ to_state?: unknown }>(
      `/lifecycle/${entity}/${id}/transition`,
      {
        entity_id: id,
        transition: action,
        metadata
      }
    )
    return typeof event?.to_state === 'string' ? event.to_state : 'unknown'
  }

  /**
   * Like `transition`, for closing moves (complete, fail, timeout, cancel) where the engine may
   * already have moved the entity itself (server-side enforcement got there first): an NR-E301
   * refusal is then not an error, and the state the engine holds is returned.
   */
  async settle(
    entity: Entity,
    id: string,
    action: string,
    metadata: Record<string, unknown> = {}
  ): Promise<string> {
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

  /**
   * `settle` for several closing moves in one round trip where the engine allows: each move's
   * NR-E301 refusal (the engine got there first) is taken as that entity's current state and the
   * remaining moves are still made. Resolves to the state of each move; other failures reject.
   */
  async settleAll(moves: readonly Move[]): Promise<string[]> {
    const states: string[] = []
    let rest = moves
    while (rest.length > 0) {
      const done = await this.moves(rest)
      states.push(...done.states)
      if (done.error === null) break
      if (!(done.error instanceof InvalidTransitionError)) throw done.error
      const current = done.error.details.current_state
      states.push(typeof current === 'string' ? current : 'unknown')
      rest = rest.slice(done.states.length + 1)
    }
    return states
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

/**
 * Maps the per-move results of a batch to states and the first error, with the same error types a
 * single call would have rejected with. A move with no result was skipped after a failure.
 */
export function outcomeOf(moves: readonly Move[], results: unknown): MovesOutcome {
  const list = Array.isArray(results) ? (results as BatchResult[]) : []
  const states: string[] = []
  for (let i = 0; i < moves.length; i++) {
    const m = moves[i] as Move
    const r = list[i]
    const path = `/lifecycle/${m.entity}/${m.id}/transition`
    if (!r || typeof r.status !== 'number') {
      return {
        states,
        error: errorFromResponse(
          0,
          { detail: 'the engine returned no result for this transition' },
          'POST',
          path,
          null
        )
      }
    }
    if (r.status < 200 || r.status >= 300) {
      return {
        states,
        error: errorFromResponse(
          r.status,
          r.body,
          'POST',
          path,
          retryAfterMs(r.headers?.['Retry-After'])
        )
      }
    }
    const to = (r.body as { to_state?: unknown } | null)?.to_state
    states.push(typeof to === 'string' ? to : 'unknown')
  }
  return { states, error: null }
}

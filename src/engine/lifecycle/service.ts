import {
  allowedTransitions,
  errorCodeInfo,
  makeNeuroRailError,
  resolveTransition,
  type EntityStateResponse,
  type HistoryResponse,
  type LifecycleEntityType,
  type LifecycleStats,
  type NeuroRailError,
  type NeuroRailErrorCode,
  type StateTransitionEvent
} from '../../shared/neurorail'
import type { AuditService } from '../audit/service'
import { DomainError, notFound } from '../errors'
import { isoOf, timestampId } from '../identity/ids'
import { ENTITY_LABEL, type EntityChain, type IdentityService } from '../identity/service'
import type { Statement } from 'better-sqlite3'
import { jsonText, parseJsonColumn } from '../store/json'
import { Sequence } from '../store/sequence'
import type { Store } from '../store/store'
import type { EventLog } from '../stream/event-log'
import type { TelemetryService } from '../telemetry/service'
import { aggregateRow } from '../store/statements'

/** What a guard sees of a transition about to be committed. */
export interface TransitionGuardContext {
  entityType: LifecycleEntityType
  entityId: string
  /** null for the first (`create`) transition. */
  fromState: string | null
  toState: string
  action: string
  metadata: Record<string, unknown>
  causedBy: string | null
  /** The entity's ancestors (mission, plan, job ids). */
  chain: EntityChain
}

/** A guard's refusal: a NeuroRail error code and why (the edge maps the code to a status). */
export interface GuardRefusal {
  code: string
  message: string
  details?: Record<string, unknown>
}

/**
 * A transition guard (budgets, reflex cooldowns…). Runs inside the transition's transaction before
 * anything is written; return a refusal (or throw a DomainError) to stop the transition.
 */
export type TransitionGuard = (
  ctx: TransitionGuardContext
) => GuardRefusal | null | undefined | void

/**
 * Called after a transition has committed, with the stored event. With group commit that is at
 * the end of the event-loop turn in which the transition ran (`store.commitBatch()` forces it).
 */
export type TransitionListener = (event: StateTransitionEvent, chain: EntityChain) => void

/** One transition of a batch (`POST /lifecycle/batch`, or the `transitions` of a create). */
export interface TransitionItem {
  entityType: LifecycleEntityType
  entityId: string
  action: string
  metadata: Record<string, unknown>
  causedBy: string | null
}

/** The outcome of one batch item: the stored event, or what the single transition threw. */
export type TransitionOutcome =
  { ok: true; event: StateTransitionEvent } | { ok: false; error: unknown }

/** What a batch did: one outcome per attempted item; items after a failure are skipped. */
export interface TransitionRun {
  outcomes: TransitionOutcome[]
  applied: number
  skipped: number
}

interface TransitionRow {
  event_id: string
  entity_type: LifecycleEntityType
  entity_id: string
  from_state: string | null
  to_state: string
  transition: string
  timestamp: string
  metadata: string
  caused_by: string | null
}

function toEvent(r: TransitionRow): StateTransitionEvent {
  return {
    event_id: r.event_id,
    entity_type: r.entity_type,
    entity_id: r.entity_id,
    from_state: r.from_state as StateTransitionEvent['from_state'],
    to_state: r.to_state as StateTransitionEvent['to_state'],
    transition: r.transition as StateTransitionEvent['transition'],
    timestamp: r.timestamp,
    metadata: parseJsonColumn<Record<string, unknown>>(r.metadata, {}),
    caused_by: r.caused_by
  }
}

/** Builds the serialized NeuroRail error for a refusal, from the registry when the code is known. */
export function refusalError(r: GuardRefusal): NeuroRailError {
  if (errorCodeInfo(r.code))
    return makeNeuroRailError(r.code as NeuroRailErrorCode, r.message, r.details ?? {})
  return {
    code: r.code,
    category: 'system',
    retriable: false,
    severity: 'error',
    message: r.message,
    details: r.details ?? {}
  }
}

const FAILURE_STATES = new Set([
  'failed',
  'timeout',
  'failed_mechanical',
  'failed_ethical',
  'failed_timeout',
  'failed_resource',
  'failed_error'
])

/**
 * The three lifecycle state machines of API §4, as stored history. A transition, its current-state
 * update, its telemetry, its audit event and its stream event are written in one transaction, so
 * none of them exists without the others. The decision itself is the shared `resolveTransition`.
 */
export class LifecycleService {
  private readonly seq: Sequence
  private readonly guards: TransitionGuard[] = []
  private readonly listeners: TransitionListener[] = []
  private readonly statsExtensions: Array<(stats: LifecycleStats) => void> = []
  private transitionsCommitted = 0
  // Prepared once: a transition runs these thousands of times a second.
  private readonly selectState: Statement<[string], string>
  private readonly insertTransition: Statement
  private readonly upsertState: Statement
  private readonly countTransition: Statement

  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly telemetry: TelemetryService,
    private readonly events: EventLog
  ) {
    this.seq = new Sequence(store.db, 'transitions', 'seq')
    // Its own statement (not the shared cache): pluck mode is a property of the statement.
    this.selectState = store.db
      .prepare<[string], string>('SELECT current_state FROM entity_state WHERE entity_id = ?')
      .pluck()
    this.insertTransition = store.prepare(
      'INSERT INTO transitions (seq, event_id, entity_type, entity_id, from_state, to_state, transition, ' +
        'timestamp, ts_ms, metadata, caused_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    )
    this.upsertState = store.prepare(
      `INSERT INTO entity_state (entity_id, entity_type, current_state, updated_at, updated_ms)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (entity_id) DO UPDATE SET current_state = excluded.current_state,
         updated_at = excluded.updated_at, updated_ms = excluded.updated_ms`
    )
    this.countTransition = store.prepare(
      `INSERT INTO transition_counts (entity_type, from_state, to_state, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (entity_type, from_state, to_state) DO UPDATE SET count = count + 1`
    )
  }

  /**
   * Adds a guard, run in registration order inside every transition before commit. Returns a
   * function that removes it.
   */
  addGuard(guard: TransitionGuard): () => void {
    this.guards.push(guard)
    return () => {
      const i = this.guards.indexOf(guard)
      if (i >= 0) this.guards.splice(i, 1)
    }
  }

  /** Adds a listener called after each committed transition. Returns a function that removes it. */
  onTransition(listener: TransitionListener): () => void {
    this.listeners.push(listener)
    return () => {
      const i = this.listeners.indexOf(listener)
      if (i >= 0) this.listeners.splice(i, 1)
    }
  }

  /** Transitions committed since start (for /metrics). */
  get committedCount(): number {
    return this.transitionsCommitted
  }

  /**
   * Applies one transition (`POST /lifecycle/{type}/{id}/transition`) and returns the stored
   * event. Throws `not_found` for an unknown entity, NR-E301 (NR error detail) for an illegal or
   * undefined action, and a guard's refusal (its code) otherwise.
   */
  transition(
    type: LifecycleEntityType,
    id: string,
    action: string,
    metadata: Record<string, unknown>,
    causedBy: string | null
  ): StateTransitionEvent {
    return this.store.transaction(() => {
      const chain = this.identity.chain(type, id)
      if (!chain) throw notFound(`${ENTITY_LABEL[type]} ${id} not found`)
      const current = this.selectState.get(id) ?? null
      const res = resolveTransition(type, current, action, metadata)
      if (!res.ok) {
        const message =
          res.reason === 'unknown_action'
            ? `Action '${action}' is not defined for ${type}`
            : `Invalid transition for ${type} ${id}: ${current ?? '(none)'} → ${res.target} (action '${action}')`
        throw new DomainError(
          'NR-E301',
          makeNeuroRailError('NR-E301', message, {
            entity_type: type,
            entity_id: id,
            current_state: current,
            target_state: res.target ?? action,
            allowed_states: [...res.allowed],
            action,
            reason: res.reason
          })
        )
      }
      for (const guard of this.guards) {
        const refusal = guard({
          entityType: type,
          entityId: id,
          fromState: current,
          toState: res.to,
          action,
          metadata,
          causedBy,
          chain
        })
        if (refusal) throw new DomainError(refusal.code, refusalError(refusal))
      }
      const nowMs = Date.now()
      const seq = this.seq.take()
      const timestamp = isoOf(nowMs)
      const ev: StateTransitionEvent = {
        event_id: timestampId('evt', nowMs, seq),
        entity_type: type,
        entity_id: id,
        from_state: current as StateTransitionEvent['from_state'],
        to_state: res.to,
        transition: action as StateTransitionEvent['transition'],
        timestamp,
        metadata,
        caused_by: causedBy
      }
      // Serialised once: the row, the audit details and both stream payloads embed this text.
      const metadataJson = JSON.stringify(metadata)
      this.insertTransition.run(
        seq,
        ev.event_id,
        type,
        id,
        current,
        res.to,
        action,
        timestamp,
        nowMs,
        metadataJson,
        causedBy
      )
      this.upsertState.run(id, type, res.to, timestamp, nowMs)
      this.countTransition.run(type, current ?? '', res.to)
      this.telemetry.recordTransition(ev, nowMs)
      const failed = FAILURE_STATES.has(res.to)
      const q = jsonText
      // The same keys, in the same order, as JSON.stringify of the details object would give.
      const detailsJson =
        `{"entity_type":${q(type)},"entity_id":${q(id)},"from_state":${q(current)},"to_state":${q(res.to)},` +
        `"transition":${q(action)},"metadata":${metadataJson}}`
      this.audit.writePrepared(
        {
          mission_id: chain.mission_id,
          plan_id: chain.plan_id,
          job_id: chain.job_id,
          attempt_id: chain.attempt_id,
          resource_uuid: null,
          event_type: 'state_transition',
          event_category: 'execution',
          severity: failed ? 'warning' : 'info',
          message: `${ENTITY_LABEL[type]} ${id}: ${current ?? '(none)'} → ${res.to} (${action})`,
          details: {
            entity_type: type,
            entity_id: id,
            from_state: current,
            to_state: res.to,
            transition: action,
            metadata
          },
          caused_by_agent: causedBy,
          caused_by_event: ev.event_id
        },
        detailsJson,
        nowMs,
        timestamp
      )
      const data = {
        event_id: ev.event_id,
        entity_type: type,
        entity_id: id,
        from_state: current,
        to_state: res.to,
        transition: action,
        timestamp,
        mission_id: chain.mission_id,
        plan_id: chain.plan_id,
        job_id: chain.job_id,
        attempt_id: chain.attempt_id,
        metadata,
        caused_by: causedBy,
        cooldown_until: null
      }
      const dataJson =
        `{"event_id":${q(ev.event_id)},"entity_type":${q(type)},"entity_id":${q(id)},"from_state":${q(current)},` +
        `"to_state":${q(res.to)},"transition":${q(action)},"timestamp":${q(timestamp)},` +
        `"mission_id":${q(chain.mission_id)},"plan_id":${q(chain.plan_id)},"job_id":${q(chain.job_id)},` +
        `"attempt_id":${q(chain.attempt_id)},"metadata":${metadataJson},"caused_by":${q(causedBy)},"cooldown_until":null}`
      this.events.publishPrepared('lifecycle', 'state_transition', data, dataJson)
      this.store.afterCommit(() => {
        this.transitionsCommitted++
        for (const listener of this.listeners) listener(ev, chain)
      })
      return ev
    })
  }

  /**
   * Applies transitions in order, each as its own atomic unit exactly as the single route would
   * (guards inside, a refusal rolls back that item alone), and stops at the first failure: the
   * outcome is that of making the calls one after another, minus the round trips. Items before a
   * failure stay applied. The edge turns each outcome into the single call's answer.
   */
  transitionAll(items: readonly TransitionItem[]): TransitionRun {
    const outcomes: TransitionOutcome[] = []
    for (const item of items) {
      try {
        const event = this.transition(
          item.entityType,
          item.entityId,
          item.action,
          item.metadata,
          item.causedBy
        )
        outcomes.push({ ok: true, event })
      } catch (error) {
        outcomes.push({ ok: false, error })
        break
      }
    }
    const failed = outcomes.length > 0 && !outcomes[outcomes.length - 1]!.ok
    return {
      outcomes,
      applied: failed ? outcomes.length - 1 : outcomes.length,
      skipped: items.length - outcomes.length
    }
  }

  private requireEntity(type: LifecycleEntityType, id: string): void {
    if (!this.identity.exists(type, id)) throw notFound(`${ENTITY_LABEL[type]} ${id} not found`)
  }

  /**
   * GET /lifecycle/{type}/{id}/state. `updated_at` is the time of the last transition (the real
   * backend reports the time of the request). 404 when never transitioned or unknown.
   */
  state(type: LifecycleEntityType, id: string): EntityStateResponse {
    this.requireEntity(type, id)
    const row = this.store
      .prepare<unknown[], { current_state: string; updated_at: string }>(
        'SELECT current_state, updated_at FROM entity_state WHERE entity_id = ?'
      )
      .get(id)
    if (!row) throw notFound(`No lifecycle state for ${type} ${id}`)
    return {
      entity_type: type,
      entity_id: id,
      current_state: row.current_state as EntityStateResponse['current_state'],
      updated_at: row.updated_at,
      metadata: { allowed_transitions: [...allowedTransitions(type, row.current_state)] }
    }
  }

  /** The current state of an entity, or null when never transitioned. */
  currentState(id: string): string | null {
    return this.selectState.get(id) ?? null
  }

  /** GET /lifecycle/{type}/{id}/history?limit: oldest first, `total_transitions` before the limit. */
  history(type: LifecycleEntityType, id: string, limit: number): HistoryResponse {
    this.requireEntity(type, id)
    const rows = this.store
      .prepare<unknown[], TransitionRow>(
        'SELECT event_id, entity_type, entity_id, from_state, to_state, transition, timestamp, metadata, ' +
          'caused_by FROM transitions WHERE entity_id = ? ORDER BY seq LIMIT ?'
      )
      .all(id, limit)
    const count = this.store.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM transitions WHERE entity_id = ?'
    )
    const total = aggregateRow(count, id).n
    return {
      entity_type: type,
      entity_id: id,
      transitions: rows.map(toEvent),
      total_transitions: total
    }
  }

  /** GET /lifecycle/stats: current-state counts per type and transition counts (from running totals). */
  stats(): LifecycleStats {
    const states: LifecycleStats['states'] = { mission: {}, job: {}, attempt: {} }
    for (const r of this.store
      .prepare<unknown[], { entity_type: LifecycleEntityType; current_state: string; n: number }>(
        'SELECT entity_type, current_state, COUNT(*) AS n FROM entity_state GROUP BY entity_type, current_state'
      )
      .all()) {
      states[r.entity_type][r.current_state] = r.n
    }
    const transitions = this.store
      .prepare<
        unknown[],
        { entity_type: LifecycleEntityType; from_state: string; to_state: string; count: number }
      >(
        'SELECT entity_type, from_state, to_state, count FROM transition_counts ' +
          'ORDER BY entity_type, from_state, to_state'
      )
      .all()
      .map((r) => ({ ...r, from_state: r.from_state === '' ? null : r.from_state }))
    const stats: LifecycleStats = { states, transitions }
    for (const extend of this.statsExtensions) extend(stats)
    return stats
  }

  /** Adds fields to GET /lifecycle/stats (governance adds `jobs_given_up`). */
  extendStats(extend: (stats: LifecycleStats) => void): void {
    this.statsExtensions.push(extend)
  }
}

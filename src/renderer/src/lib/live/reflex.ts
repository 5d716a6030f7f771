import { eventMs, keepLast, num, str, type LiveEvent } from './types'

export type CircuitState = 'closed' | 'open' | 'half_open'

/** One circuit breaker as seen on the stream (API §8 defaults: open → half-open after 60 s). */
export interface CircuitView {
  circuitId: string
  state: CircuitState
  failureCount: number
  successCount: number
  /** When the stream last reported a change (epoch ms). */
  changedAt: number
  /** When an open circuit may go half-open (epoch ms), null unless open. */
  halfOpenAt: number | null
  /** How many state changes were seen. */
  changes: number
}

export interface TriggerActivation {
  id: string
  triggerId: string
  reason: string | null
  errorRate: number | null
  at: number
}

export interface ReflexActionView {
  id: string
  jobId: string | null
  actionType: string
  reason: string | null
  success: boolean
  at: number
}

/** A job held by a reflex (suspended or throttled) with its cooldown. */
export interface HeldJob {
  jobId: string
  state: 'suspended' | 'throttled'
  since: number
  /** Epoch ms when the cooldown ends. */
  cooldownUntil: number
}

export interface ReflexModel {
  circuits: Record<string, CircuitView>
  triggers: TriggerActivation[]
  actions: ReflexActionView[]
  held: Record<string, HeldJob>
  totals: { circuitChanges: number; triggers: number; actions: number; failedActions: number }
}

export const RECOVERY_TIMEOUT_MS = 60_000
/** API §8: suspend cools down 60 s, throttle 30 s. */
export const COOLDOWN_MS = { suspended: 60_000, throttled: 30_000 } as const
const KEEP = 200

export function emptyReflex(): ReflexModel {
  return {
    circuits: {},
    triggers: [],
    actions: [],
    held: {},
    totals: { circuitChanges: 0, triggers: 0, actions: 0, failedActions: 0 }
  }
}

function isCircuitState(s: string | null): s is CircuitState {
  return s === 'closed' || s === 'open' || s === 'half_open'
}

/** Folds a batch of events into the reflex model; returns the same object when nothing applied. */
export function reduceReflex(model: ReflexModel, events: readonly LiveEvent[]): ReflexModel {
  let circuits: Record<string, CircuitView> | null = null
  let held: Record<string, HeldJob> | null = null
  const triggers: TriggerActivation[] = []
  const actions: ReflexActionView[] = []
  const totals = { ...model.totals }
  for (const e of events) {
    const d = e.data
    if (e.event_type === 'circuit_state_changed') {
      const id = str(d, 'circuit_id')
      const to = str(d, 'to_state')
      if (!id || !isCircuitState(to)) continue
      circuits ??= { ...model.circuits }
      const at = eventMs(e)
      const prev = circuits[id]
      const recovery = (num(d, 'recovery_timeout') ?? RECOVERY_TIMEOUT_MS / 1000) * 1000
      circuits[id] = {
        circuitId: id,
        state: to,
        failureCount: num(d, 'failure_count') ?? prev?.failureCount ?? 0,
        successCount: num(d, 'success_count') ?? prev?.successCount ?? 0,
        changedAt: at,
        halfOpenAt: to === 'open' ? at + recovery : null,
        changes: (prev?.changes ?? 0) + 1
      }
      totals.circuitChanges++
    } else if (e.event_type === 'trigger_activated') {
      triggers.push({
        id: e.id,
        triggerId: str(d, 'trigger_id') ?? 'unknown trigger',
        reason: str(d, 'reason'),
        errorRate: num(d, 'error_rate'),
        at: eventMs(e)
      })
      totals.triggers++
    } else if (e.event_type === 'reflex_action_executed') {
      const action: ReflexActionView = {
        id: e.id,
        jobId: str(d, 'job_id'),
        actionType: str(d, 'action_type') ?? 'unknown',
        reason: str(d, 'reason'),
        success: d.success === true,
        at: eventMs(e)
      }
      actions.push(action)
      totals.actions++
      if (!action.success) totals.failedActions++
      if (action.success && action.jobId) {
        held ??= { ...model.held }
        const kind = action.actionType === 'suspend' ? 'suspended' : action.actionType === 'throttle' ? 'throttled' : null
        if (kind) {
          const details = (d.details ?? {}) as Record<string, unknown>
          const cooldownS = num(d, 'cooldown_seconds') ?? num(details, 'cooldown_seconds')
          const until = num(d, 'cooldown_until')
          held[action.jobId] = {
            jobId: action.jobId,
            state: kind,
            since: action.at,
            cooldownUntil: until != null ? until * 1000 : action.at + (cooldownS != null ? cooldownS * 1000 : COOLDOWN_MS[kind])
          }
        } else if (action.actionType === 'resume' || action.actionType === 'cancel') {
          delete held[action.jobId]
        }
      }
    } else if (e.event_type === 'state_transition') {
      // Reflex job FSM transitions (suspended/throttled ↔ running) arrive on the lifecycle channel.
      const id = str(d, 'entity_id') ?? str(d, 'job_id')
      const to = str(d, 'to_state')
      if (!id || !to) continue
      if (to === 'suspended' || to === 'throttled') {
        held ??= { ...model.held }
        const until = num(d, 'cooldown_until')
        const at = eventMs(e)
        held[id] = { jobId: id, state: to, since: at, cooldownUntil: until != null ? until * 1000 : at + COOLDOWN_MS[to] }
      } else if (model.held[id] || held?.[id]) {
        held ??= { ...model.held }
        delete held[id]
      }
    }
  }
  if (!circuits && !held && triggers.length === 0 && actions.length === 0) return model
  return {
    circuits: circuits ?? model.circuits,
    held: held ?? model.held,
    triggers: triggers.length ? keepLast(model.triggers, triggers, KEEP) : model.triggers,
    actions: actions.length ? keepLast(model.actions, actions, KEEP) : model.actions,
    totals
  }
}

import { idText } from './budget'
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
  /** Stable key: trigger id and its activation number (both copies of one activation share it). */
  id: string
  triggerId: string
  reason: string | null
  errorRate: number | null
  sampleCount: number | null
  activationCount: number | null
  jobId: string | null
  at: number
}

export interface ReflexActionView {
  /** Stable key: the engine's action id when known, else the event id. */
  id: string
  jobId: string | null
  actionType: string
  reason: string | null
  success: boolean
  triggerId: string | null
  actor: string | null
  /** Why a refused action failed (details.error), when it says. */
  error: string | null
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

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}

/**
 * The engine streams each reflex event twice: on `reflex` with its fields at the top, and its audit
 * row on `audit` with them under `details` (plus job_id and a message). Reads a field from either.
 */
function field(e: LiveEvent, key: string): unknown {
  const top = e.data[key]
  if (top !== undefined && top !== null) return top
  return obj(e.data.details)[key]
}
const fstr = (e: LiveEvent, key: string): string | null => {
  const v = field(e, key)
  return typeof v === 'string' && v ? v : null
}
const fnum = (e: LiveEvent, key: string): number | null => {
  const v = field(e, key)
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

/** The trigger activation in a `trigger_activated` event (either copy). */
export function triggerOf(e: LiveEvent): TriggerActivation | null {
  const triggerId = fstr(e, 'trigger_id')
  if (!triggerId) return null
  const activationCount = fnum(e, 'activation_count')
  return {
    id: activationCount !== null ? `${triggerId}#${activationCount}` : e.id,
    triggerId,
    reason: fstr(e, 'reason'),
    errorRate: fnum(e, 'error_rate'),
    sampleCount: fnum(e, 'sample_count'),
    activationCount,
    jobId: fstr(e, 'job_id'),
    at: eventMs(e)
  }
}

// The audit copy words an action as "Reflex suspend on j_… done: reason".
const ACTION_MESSAGE = /^Reflex (\S+)(?: on (\S+))? (done|failed): ([\s\S]*)$/

/** The reflex action in a `reflex_action_executed` event (either copy). */
export function actionOf(e: LiveEvent): ReflexActionView | null {
  const d = e.data
  const details = obj(d.details)
  const parsed = e.channel === 'audit' ? ACTION_MESSAGE.exec(str(d, 'message') ?? '') : null
  const actionType = str(d, 'action_type') ?? str(details, 'action_type') ?? parsed?.[1] ?? null
  if (!actionType) return null
  const error = obj(details.error)
  const success = typeof d.success === 'boolean' ? d.success : parsed ? parsed[3] === 'done' : d.severity !== 'error'
  return {
    id: idText(d, 'action_id') ?? idText(details, 'action_id') ?? e.id,
    jobId: str(d, 'job_id') ?? parsed?.[2] ?? null,
    actionType,
    reason: str(d, 'reason') ?? parsed?.[4] ?? null,
    success,
    triggerId: str(d, 'trigger_id') ?? str(details, 'trigger_id'),
    actor: str(d, 'actor') ?? str(d, 'caused_by_agent'),
    error: str(error, 'message') ?? (typeof details.error === 'string' ? details.error : null),
    at: eventMs(e)
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
  // Keys of activations and actions already held: the second copy of each is skipped.
  let seen: Set<string> | null = null
  const isNew = (key: string): boolean => {
    seen ??= new Set([...model.triggers.map((t) => `t:${t.id}`), ...model.actions.map((a) => `a:${a.id}`)])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }
  for (const e of events) {
    const d = e.data
    if (e.event_type === 'circuit_state_changed') {
      const id = fstr(e, 'circuit_id')
      const to = fstr(e, 'to_state')
      if (!id || !isCircuitState(to)) continue
      const at = eventMs(e)
      const prev = (circuits ?? model.circuits)[id]
      // A change into the state the circuit is already in is the other copy of the same change
      // (a real change always leaves its current state).
      if (prev && prev.state === to && fstr(e, 'from_state') !== to) continue
      circuits ??= { ...model.circuits }
      const recovery = (fnum(e, 'recovery_timeout') ?? RECOVERY_TIMEOUT_MS / 1000) * 1000
      circuits[id] = {
        circuitId: id,
        state: to,
        failureCount: fnum(e, 'failure_count') ?? prev?.failureCount ?? 0,
        successCount: fnum(e, 'success_count') ?? prev?.successCount ?? 0,
        changedAt: at,
        halfOpenAt: to === 'open' ? at + recovery : null,
        changes: (prev?.changes ?? 0) + 1
      }
      totals.circuitChanges++
    } else if (e.event_type === 'trigger_activated') {
      const trigger = triggerOf(e)
      if (!trigger || !isNew(`t:${trigger.id}`)) continue
      triggers.push(trigger)
      totals.triggers++
    } else if (e.event_type === 'reflex_action_executed') {
      const action = actionOf(e)
      if (!action || !isNew(`a:${action.id}`)) continue
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
    } else if (e.event_type === 'state_transition' && e.channel !== 'audit') {
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

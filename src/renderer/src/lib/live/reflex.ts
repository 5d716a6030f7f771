import type { CircuitView, ReflexActionView } from '../../../../shared/console/domains/governance'
import {
  circuitFromChange,
  reflexActionFacts,
  toReflexActionView
} from '../../../../shared/console/governance-mapper'
import { looseStreamFact } from '../../../../shared/neurorail/events'
import { eventMs, keepLast, type LiveEvent } from './types'

export type { CircuitView, ReflexActionView }

/** A circuit as the stream reports it: the console's view plus how many changes were seen. */
export type LiveCircuit = CircuitView & { changes: number }

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

/** A job held by a reflex (suspended or throttled) with its cooldown. */
export interface HeldJob {
  jobId: string
  state: 'suspended' | 'throttled'
  since: number
  /** Epoch ms when the cooldown ends. */
  cooldownUntil: number
}

export interface ReflexModel {
  circuits: Record<string, LiveCircuit>
  triggers: TriggerActivation[]
  actions: ReflexActionView[]
  held: Record<string, HeldJob>
  totals: { circuitChanges: number; triggers: number; actions: number; failedActions: number }
}

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

/** The trigger activation in a `trigger_activated` event (either copy: the audit row's details are its data). */
export function triggerOf(e: LiveEvent): TriggerActivation | null {
  const fact = looseStreamFact(e)
  if (fact?.event_type !== 'trigger_activated') return null
  const d = fact.data
  if (!d.trigger_id) return null
  const activationCount = d.activation_count ?? null
  return {
    id: activationCount !== null ? `${d.trigger_id}#${activationCount}` : e.id,
    triggerId: d.trigger_id,
    reason: d.reason ?? null,
    errorRate: d.error_rate ?? null,
    sampleCount: d.sample_count ?? null,
    activationCount,
    jobId: d.job_id || null,
    at: eventMs(e)
  }
}

/** The reflex action in a `reflex_action_executed` event (either copy), as the console's view. */
export function actionOf(e: LiveEvent): ReflexActionView | null {
  const fact = looseStreamFact(e)
  if (fact?.event_type !== 'reflex_action_executed') return null
  const d = fact.data
  if (!d.action_type) return null
  return toReflexActionView(
    { ...d, action_type: d.action_type },
    d.action_id !== undefined ? String(d.action_id) : e.id,
    new Date(eventMs(e)).toISOString()
  )
}

/** Folds a batch of events into the reflex model; returns the same object when nothing applied. */
export function reduceReflex(model: ReflexModel, events: readonly LiveEvent[]): ReflexModel {
  let circuits: Record<string, LiveCircuit> | null = null
  let held: Record<string, HeldJob> | null = null
  const triggers: TriggerActivation[] = []
  const actions: ReflexActionView[] = []
  const totals = { ...model.totals }
  // Keys of activations and actions already held: the second copy of each is skipped.
  let seen: Set<string> | null = null
  const isNew = (key: string): boolean => {
    seen ??= new Set([
      ...model.triggers.map((t) => `t:${t.id}`),
      ...model.actions.map((a) => `a:${a.actionId}`)
    ])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }
  for (const e of events) {
    if (e.event_type === 'circuit_state_changed') {
      const fact = looseStreamFact(e)
      if (fact?.event_type !== 'circuit_state_changed') continue
      const c = fact.data
      const id = c.circuit_id
      const to = c.to_state
      if (!id || !to) continue
      const prev = (circuits ?? model.circuits)[id]
      // A change into the state the circuit is already in is the other copy of the same change
      // (a real change always leaves its current state).
      if (prev && prev.state === to && c.from_state !== to) continue
      circuits ??= { ...model.circuits }
      circuits[id] = {
        ...circuitFromChange({ ...c, circuit_id: id, to_state: to }, eventMs(e), prev ?? null),
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
      if (!action || !isNew(`a:${action.actionId}`)) continue
      actions.push(action)
      totals.actions++
      if (!action.success) totals.failedActions++
      if (action.success && action.jobId) {
        held ??= { ...model.held }
        const kind =
          action.actionType === 'suspend'
            ? 'suspended'
            : action.actionType === 'throttle'
              ? 'throttled'
              : null
        if (kind) {
          const cooldownS = reflexActionFacts(action).cooldownSeconds
          const at = eventMs(e)
          held[action.jobId] = {
            jobId: action.jobId,
            state: kind,
            since: at,
            cooldownUntil: at + (cooldownS != null ? cooldownS * 1000 : COOLDOWN_MS[kind])
          }
        } else if (action.actionType === 'resume' || action.actionType === 'cancel') {
          delete held[action.jobId]
        }
      }
    } else if (e.event_type === 'state_transition' && e.channel !== 'audit') {
      // Reflex job FSM transitions (suspended/throttled ↔ running) arrive on the lifecycle channel.
      const fact = looseStreamFact(e)
      if (fact?.event_type !== 'state_transition') continue
      const t: {
        entity_id?: string
        job_id?: string | null
        to_state?: string
        cooldown_until?: number | null
      } = fact.data
      const id = t.entity_id ?? t.job_id
      const to = t.to_state
      if (!id || !to) continue
      if (to === 'suspended' || to === 'throttled') {
        held ??= { ...model.held }
        const until = t.cooldown_until
        const at = eventMs(e)
        held[id] = {
          jobId: id,
          state: to,
          since: at,
          cooldownUntil: until != null ? until * 1000 : at + COOLDOWN_MS[to]
        }
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

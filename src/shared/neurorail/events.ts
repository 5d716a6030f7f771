import { z } from 'zod'
import { AuditEventSchema } from './audit'
import { JsonObjectSchema } from './common'
import {
  CircuitStateSchema,
  RecordedReflexActionSchema,
  TriggerReasonSchema,
  ViolationTypeSchema
} from './governance'
import { DecisionSchema } from './governor'
import { StreamEventSchema, type StreamEvent } from './stream'

/**
 * The catalog of every event our engine publishes on its stream: channel, event type and the
 * schema of `data`, one line per event (as `defineMethod` declares the console contract). The
 * engine's `publish` only accepts what is listed here, consumers read facts through
 * `streamFact`, and a test publishes each entry through a real engine and parses it back.
 */

/** One catalog entry. `audited`: the audit row of the same event type carries `data` as details. */
export interface StreamEventDefinition<D extends z.ZodType = z.ZodType> {
  readonly data: D
  readonly description: string
  readonly audited?: boolean
}

/** Declares one stream event; a function so that the data schema's type survives. */
export function defineStreamEvent<D extends z.ZodType>(
  definition: StreamEventDefinition<D>
): StreamEventDefinition<D> {
  return definition
}

const Id = z.string()
const NullableId = z.string().nullable()
/** Unix seconds (float), as the envelope's own timestamp. */
const UnixSeconds = z.number()

/** A job transition of the engine's lifecycle (the 200 body of a transition plus its chain). */
export const LifecycleTransitionDataSchema = z.object({
  event_id: Id,
  entity_type: z.enum(['mission', 'job', 'attempt']),
  entity_id: Id,
  from_state: z.string().nullable(),
  to_state: z.string(),
  transition: z.string(),
  timestamp: z.string(),
  mission_id: NullableId,
  plan_id: NullableId,
  job_id: NullableId,
  attempt_id: NullableId,
  metadata: JsonObjectSchema,
  caused_by: NullableId,
  cooldown_until: z.null()
})
/** A move of the reflex job machine into or out of a cooldown (suspended, throttled). */
export const ReflexJobTransitionDataSchema = z.object({
  machine: z.literal('reflex'),
  entity_type: z.literal('job'),
  entity_id: Id,
  job_id: Id,
  from_state: z.string().nullable(),
  to_state: z.string(),
  /** Unix seconds when the cooldown ends, null outside one. */
  cooldown_until: z.number().nullable(),
  reason: z.string(),
  timestamp: UnixSeconds
})
export const StateTransitionDataSchema = z.union([
  ReflexJobTransitionDataSchema,
  LifecycleTransitionDataSchema
])

export const CircuitStateChangedDataSchema = z.object({
  circuit_id: Id,
  from_state: CircuitStateSchema,
  to_state: CircuitStateSchema,
  failure_count: z.number().int().nonnegative(),
  success_count: z.number().int().nonnegative(),
  /** 'failure_threshold' | 'recovery_timeout' | 'success_threshold' | 'half_open_failure' | 'reset' */
  reason: z.string(),
  timestamp: UnixSeconds
})
export const TriggerActivatedDataSchema = z.object({
  trigger_id: Id,
  reason: TriggerReasonSchema,
  error_rate: z.number(),
  sample_count: z.number().int().nonnegative(),
  budget_violations: z.number().int().nonnegative(),
  activation_count: z.number().int().nonnegative(),
  job_id: Id,
  /** The NR-E141 error raised on activation: code and its human sentence (display only). */
  code: z.string(),
  message: z.string()
})
export const ReflexActionExecutedDataSchema = z.object({
  action_id: z.number().int(),
  job_id: NullableId,
  action_type: RecordedReflexActionSchema,
  reason: z.string(),
  success: z.boolean(),
  trigger_id: NullableId,
  actor: z.string(),
  /** `{cooldown_seconds}` for suspend/throttle, `{severity}` for alert, `{error}` on failure. */
  details: JsonObjectSchema
})

export const RetryAttemptedDataSchema = z.object({
  job_id: Id,
  mission_id: NullableId,
  success: z.boolean(),
  retry_number: z.number().int(),
  max_retries: z.number().int().nullable(),
  /** Let through: the §8 backoff advised to the agent. */
  backoff_ms: z.number().optional(),
  /** Refused: the NR-E code. */
  code: z.string().optional()
})
export const CostTrackedDataSchema = z.object({
  job_id: Id,
  attempt_id: NullableId,
  mission_id: NullableId,
  llm_tokens: z.number(),
  cost: z.number(),
  total_llm_tokens: z.number(),
  total_cost: z.number(),
  max_llm_tokens: z.number().nullable(),
  max_cost_credits: z.number().nullable()
})
export const BudgetViolationDataSchema = z.object({
  violation_id: Id,
  violation_type: ViolationTypeSchema,
  code: z.string(),
  severity: z.string(),
  message: z.string(),
  mission_id: NullableId,
  job_id: NullableId,
  attempt_id: NullableId,
  job_type: z.string().nullable(),
  action_taken: z.string(),
  /** The error's details: limit, consumed, elapsed_ms… by violation type. */
  details: JsonObjectSchema
})
export const TimeoutEnforcedDataSchema = BudgetViolationDataSchema.extend({
  grace_period_invoked: z.boolean()
})

export const ManifestSlotSchema = z.enum(['active', 'shadow'])
export const ManifestClearedDataSchema = z.object({
  slot: ManifestSlotSchema,
  timestamp: z.string()
})
export const ManifestInstalledDataSchema = z.object({
  slot: ManifestSlotSchema,
  name: z.string(),
  version: z.string(),
  rule_count: z.number().int().nonnegative(),
  timestamp: z.string()
})
const ManifestVerdictField = z.string().nullable()
export const ShadowDisagreementDataSchema = z.object({
  id: z.number().int(),
  source: z.string(),
  decision_id: NullableId,
  job_id: NullableId,
  job_type: z.string(),
  fields: z.array(z.enum(['mode', 'budget'])),
  active_mode: ManifestVerdictField,
  shadow_mode: ManifestVerdictField,
  active_rule: ManifestVerdictField,
  shadow_rule: ManifestVerdictField
})
export const AnomalySignalDataSchema = z.object({
  signal_id: z.number().int(),
  signal_type: z.literal('anomaly'),
  job_type: z.string(),
  entity_id: Id,
  attempt_id: Id,
  metric: z.string(),
  detector: z.string(),
  value: z.number(),
  score: z.number(),
  baseline: z.number().nullable(),
  hint: z.string()
})

/** Every event the engine publishes, by channel and event type. The audit channel is below. */
export const STREAM_EVENTS = {
  lifecycle: {
    state_transition: defineStreamEvent({
      data: StateTransitionDataSchema,
      description: 'A lifecycle or reflex-job transition.'
    })
  },
  reflex: {
    circuit_state_changed: defineStreamEvent({
      data: CircuitStateChangedDataSchema,
      description: 'A circuit breaker changed state.',
      audited: true
    }),
    trigger_activated: defineStreamEvent({
      data: TriggerActivatedDataSchema,
      description: 'A reflex trigger fired (NR-E141).',
      audited: true
    }),
    reflex_action_executed: defineStreamEvent({
      data: ReflexActionExecutedDataSchema,
      description: 'A reflex or operator action ran.',
      audited: true
    })
  },
  enforcement: {
    retry_attempted: defineStreamEvent({
      data: RetryAttemptedDataSchema,
      description: 'A job retry, let through or refused.'
    }),
    cost_tracked: defineStreamEvent({
      data: CostTrackedDataSchema,
      description: 'Token and cost use of one report.'
    }),
    budget_violation: defineStreamEvent({
      data: BudgetViolationDataSchema,
      description: 'A budget limit was broken.',
      audited: true
    }),
    timeout_enforced: defineStreamEvent({
      data: TimeoutEnforcedDataSchema,
      description: 'The timeout violation, again, for §6 consumers.'
    }),
    parallelism_rejected: defineStreamEvent({
      data: BudgetViolationDataSchema,
      description: 'The parallelism violation, again, for §6 consumers.'
    })
  },
  governor: {
    mode_decided: defineStreamEvent({
      data: DecisionSchema,
      description: 'The governor chose direct or rail.'
    }),
    manifest_installed: defineStreamEvent({
      data: ManifestInstalledDataSchema,
      description: 'A governor manifest was installed.'
    }),
    manifest_cleared: defineStreamEvent({
      data: ManifestClearedDataSchema,
      description: 'A governor manifest slot was emptied.'
    }),
    shadow_disagreement: defineStreamEvent({
      data: ShadowDisagreementDataSchema,
      description: 'The shadow manifest decided otherwise.'
    })
  },
  signals: {
    anomaly_signal: defineStreamEvent({
      data: AnomalySignalDataSchema,
      description: 'An agent metric left its baseline.'
    })
  }
} as const

/**
 * The audit channel carries every audit row, whatever its event type (clients write their own
 * through POST /audit/log): `data` is the audit event. Rows of `audited` catalog events hold
 * that event's data as `details`.
 */
export const AUDIT_STREAM_EVENT = defineStreamEvent({
  data: AuditEventSchema,
  description: 'One audit row, as written.'
})

type Catalog = typeof STREAM_EVENTS
/** A channel with catalogued event types (audit excluded). */
export type CatalogChannel = keyof Catalog
/** The event types of one channel. */
export type CatalogEventType<C extends CatalogChannel> = keyof Catalog[C] & string
type DataSchemaOf<C extends CatalogChannel, T extends CatalogEventType<C>> =
  Catalog[C][T] extends StreamEventDefinition<infer D> ? D : never
/** What a publisher hands over for one event (schema input). */
export type StreamEventDataIn<C extends CatalogChannel, T extends CatalogEventType<C>> = z.input<
  DataSchemaOf<C, T>
>
/** What a consumer reads for one event (schema output). */
export type StreamEventData<C extends CatalogChannel, T extends CatalogEventType<C>> = z.output<
  DataSchemaOf<C, T>
>

/** A catalogued event's typed fact: narrow on `event_type` (unique across channels). */
export type StreamFact = {
  [C in CatalogChannel]: {
    [T in CatalogEventType<C>]: { channel: C; event_type: T; data: StreamEventData<C, T> }
  }[CatalogEventType<C>]
}[CatalogChannel]

/** The catalog entry of one channel and event type, or null when the catalog does not list it. */
export function streamEventDefinition(
  channel: string,
  eventType: string
): StreamEventDefinition | null {
  if (channel === 'audit') return AUDIT_STREAM_EVENT
  const byType = (
    STREAM_EVENTS as Record<string, Record<string, StreamEventDefinition> | undefined>
  )[channel]
  return (byType && Object.hasOwn(byType, eventType) ? byType[eventType] : undefined) ?? null
}

/** Audited event types → their channel, for reading the audit copy's details. */
const AUDITED: ReadonlyMap<string, CatalogChannel> = new Map(
  Object.entries(STREAM_EVENTS).flatMap(([channel, types]) =>
    Object.entries(types as Record<string, StreamEventDefinition>)
      .filter(([, def]) => def.audited === true)
      .map(([type]) => [type, channel as CatalogChannel] as const)
  )
)

export type ReadStreamEventResult = { ok: true; event: StreamEvent } | { ok: false; error: string }

/**
 * Validates one stream event's envelope (`{channel, event_type, timestamp, data, id?}`): the one
 * entry point for consumers of the stream. Unknown event types pass (they are shown, never
 * rejected); their facts come from `streamFact`.
 */
export function readStreamEvent(value: unknown): ReadStreamEventResult {
  const parsed = StreamEventSchema.safeParse(value)
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, error: parsed.error.issues[0]?.message ?? 'invalid event' }
}

/**
 * The typed fact an event carries, from either copy: the event on its own channel, or the audit
 * row of an `audited` event type (whose `details` are the same data). Null for events the catalog
 * does not list or whose data does not match it (another backend's wording, a client's publish).
 * Nothing here reads `message`.
 */
export function streamFact(
  event: Pick<StreamEvent, 'channel' | 'event_type' | 'data'>
): StreamFact | null {
  const source = factSource(event)
  const parsed = source?.def.data.safeParse(source.data)
  return source && parsed?.success
    ? ({ channel: source.channel, event_type: event.event_type, data: parsed.data } as StreamFact)
    : null
}

/** Where an event's fact lives: its own data, or the audit copy's details. */
function factSource(
  event: Pick<StreamEvent, 'channel' | 'event_type' | 'data'>
): { channel: CatalogChannel; def: StreamEventDefinition; data: unknown } | null {
  const audit = event.channel === 'audit'
  const channel = audit ? AUDITED.get(event.event_type) : event.channel
  // The audit channel's own entry (any type, data = the row) holds no catalogued fact.
  const def =
    channel && channel !== 'audit' ? streamEventDefinition(channel, event.event_type) : null
  if (!def) return null
  return { channel: channel as CatalogChannel, def, data: audit ? event.data.details : event.data }
}

/** A fact whose fields are each optional: what any backend's event of a catalogued type may say. */
export type LooseStreamFact = {
  [C in CatalogChannel]: {
    [T in CatalogEventType<C>]: { channel: C; event_type: T; data: Partial<StreamEventData<C, T>> }
  }[CatalogEventType<C>]
}[CatalogChannel]

/**
 * The catalog schema with every field optional and a wrongly typed field read as absent. A
 * union's members are merged: a field any member has, typed as any member types it.
 */
function loosen(schema: z.ZodType): z.ZodType {
  const members = schema instanceof z.ZodUnion ? (schema.options as z.ZodType[]) : [schema]
  const fields = new Map<string, z.ZodType[]>()
  for (const member of members) {
    if (!(member instanceof z.ZodObject)) return schema
    for (const [key, field] of Object.entries(member.shape as Record<string, z.ZodType>))
      fields.set(key, [...(fields.get(key) ?? []), field])
  }
  const shape: Record<string, z.ZodType> = {}
  for (const [key, types] of fields) {
    const type = types.length === 1 ? types[0]! : z.union(types as [z.ZodType, z.ZodType])
    shape[key] = type.optional().catch(undefined)
  }
  return z.object(shape)
}
const looseSchemas = new Map<StreamEventDefinition, z.ZodType>()

/**
 * `streamFact` for consumers that also read other backends (the real one names the §6 event
 * types by convention and sends fewer fields): every catalog field is optional, and a field of
 * another type than the catalog's reads as absent. Null when the event type is not catalogued
 * (or its data is not an object).
 */
export function looseStreamFact(
  event: Pick<StreamEvent, 'channel' | 'event_type' | 'data'>
): LooseStreamFact | null {
  const source = factSource(event)
  if (!source) return null
  let schema = looseSchemas.get(source.def)
  if (!schema) looseSchemas.set(source.def, (schema = loosen(source.def.data)))
  const parsed = schema.safeParse(source.data)
  return parsed.success
    ? ({
        channel: source.channel,
        event_type: event.event_type,
        data: parsed.data
      } as LooseStreamFact)
    : null
}

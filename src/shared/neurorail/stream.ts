import { z } from 'zod'
import { CountMapSchema, JsonObjectSchema, oneOfSchema } from './common'
import { MAX_UNIX_SECONDS } from './datetime'

/** The channels of API §6 that carry events (`all` subscribes to every one). */
const BRAIN_EVENT_CHANNELS = [
  'audit',
  'lifecycle',
  'metrics',
  'reflex',
  'governor',
  'enforcement'
] as const

/** The seven channels the real backend knows (no `signals`). */
export const BRAIN_CHANNELS = [...BRAIN_EVENT_CHANNELS, 'all'] as const

/**
 * SSE channels of API §6 plus our extension channel `signals` (agent signals from the embedded
 * engine). `all` subscribes to everything.
 */
export const CHANNELS = [...BRAIN_EVENT_CHANNELS, 'signals', 'all'] as const
export const ChannelSchema = oneOfSchema('channel', CHANNELS)
export type Channel = z.infer<typeof ChannelSchema>

const TIMESTAMP_RANGE = 'timestamp must be Unix seconds within the range of a date'

/**
 * The JSON of one SSE frame's `data:` line: `{channel, event_type, timestamp, data}`.
 * `timestamp` is Unix seconds as a float. `id` is ours (the engine puts it on every frame and in
 * the JSON); the real backend never sends one.
 */
export const StreamEventSchema = z.object({
  id: z.string().optional(),
  channel: ChannelSchema,
  event_type: z.string(),
  /** Bounded to what a Date holds: every consumer formats it (`new Date(t * 1000)`). */
  timestamp: z
    .number()
    .min(-MAX_UNIX_SECONDS, TIMESTAMP_RANGE)
    .max(MAX_UNIX_SECONDS, TIMESTAMP_RANGE),
  data: JsonObjectSchema
})
export type StreamEvent = z.infer<typeof StreamEventSchema>

/**
 * Our engine's first frame on every stream (`event: stream_open`, no `id:`, so it never moves a
 * client's Last-Event-ID): which log this is and where the stream starts in it.
 * - `epoch`: the log's identity (also in GET /capabilities as `stream_epoch`). Ids are only
 *   comparable within one epoch: a client resumes with its last id and that id's epoch
 *   (`Last-Event-Epoch` header or `epoch` query).
 * - `resume`: `live` (no resume point: new events only), `resumed` (right after the client's id),
 *   `reset` (the client's id is not from this history: whatever it remembers of ids after `after`
 *   describes other events and must be forgotten).
 * - `after`: events with a higher id follow (null: only new ones); `last_id`: the log's end now.
 * - `gap`: ids the log no longer holds (pruned) between the resume point and its oldest event.
 */
export const STREAM_OPEN_EVENT = 'stream_open'
export const StreamOpenSchema = z.object({
  epoch: z.string().min(1).max(200),
  resume: z.enum(['live', 'resumed', 'reset']),
  after: z.string().max(200).nullable(),
  last_id: z.string().max(200),
  gap: z
    .object({ from: z.string().max(200), to: z.string().max(200) })
    .nullable()
    .default(null),
  message: z.string().max(1000).nullable().default(null)
})
export type StreamOpen = z.infer<typeof StreamOpenSchema>

/**
 * Event types ControlDeck consumes, by channel (API §6). On the real backend the names are
 * convention only, since nothing emits them. Unknown types must still be shown, never rejected.
 */
export const STREAM_EVENT_TYPES = {
  lifecycle: ['state_transition'],
  reflex: ['circuit_state_changed', 'trigger_activated', 'reflex_action_executed'],
  enforcement: [
    'timeout_enforced',
    'retry_attempted',
    'parallelism_rejected',
    'cost_tracked',
    'budget_violation'
  ]
} as const satisfies Partial<Record<Channel, readonly string[]>>

/** Event type names the BRAiN docs list but the code never emits; recognised for display only. */
export const DOC_ONLY_EVENT_TYPES = [
  'execution_start',
  'execution_success',
  'execution_failure',
  'state_changed',
  'metrics_recorded',
  'mode_decided',
  'timeout_triggered',
  'budget_exceeded'
] as const

// Payloads of the engine's event types: the catalog in ./events.

/** Query of GET /stream/events; each filter repeatable. Unknown channels are dropped by BRAiN. */
export const StreamSubscribeQuerySchema = z.object({
  channels: z.array(ChannelSchema).default(['all']),
  event_types: z.array(z.string()).default([]),
  entity_ids: z.array(z.string()).default([])
})
export type StreamSubscribeQuery = z.infer<typeof StreamSubscribeQuerySchema>

/** GET /stream/stats. `total_subscribers` is cumulative on the real backend. */
export const StreamStatsSchema = z.object({
  total_events_published: z.number().int().nonnegative(),
  total_subscribers: z.number().int().nonnegative(),
  subscribers_by_channel: CountMapSchema,
  buffer_sizes: CountMapSchema
})
export type StreamStats = z.infer<typeof StreamStatsSchema>

/** POST /stream/publish?channel=&event_type= query (the body is the `data` object itself). */
export const PublishQuerySchema = z.object({
  channel: ChannelSchema,
  event_type: z.string().min(1, 'event_type must not be empty')
})
export type PublishQuery = z.infer<typeof PublishQuerySchema>

/**
 * POST /stream/publish response. Success is `{success:true, channel, event_type}`; a bad channel
 * is a 200 `{error}` on the real backend, so both shapes parse.
 */
export const PublishResponseSchema = z.union([
  z.object({ success: z.literal(true), channel: z.string(), event_type: z.string() }),
  z.object({ error: z.string() })
])
export type PublishResponse = z.infer<typeof PublishResponseSchema>

/** DELETE /stream/buffers response. */
export const ClearBuffersResponseSchema = z.object({
  success: z.boolean(),
  message: z.string().default('')
})
export type ClearBuffersResponse = z.infer<typeof ClearBuffersResponseSchema>

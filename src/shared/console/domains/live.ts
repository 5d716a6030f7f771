import { z } from 'zod'
import { defineEvent, defineMethod, type EventDefinition, type MethodDefinition } from '../define'
import { ChannelSchema, StreamEventSchema } from '../../neurorail/stream'

/**
 * A stream event as the console delivers it: the wire StreamEvent with `id` always present. The
 * client fills it in when the backend sends none (BRAiN): `audit:<audit_id>` for events recovered
 * by polling, `local:<n>` for id-less SSE frames. Ids are opaque; order is delivery order.
 */
export const LiveEventSchema = StreamEventSchema.extend({
  id: z.string(),
  /**
   * The backend's event-log epoch the id belongs to, when it names one (our engine): ids repeat
   * across epochs (a fresh database starts at 1 again), so (epoch, id) is what identifies an event.
   */
  epoch: z.string().max(200).optional()
})
export type LiveEvent = z.infer<typeof LiveEventSchema>

/** Most filter values one subscription may name (keeps one call from pinning memory). */
export const LIVE_FILTER_MAX = 200

/**
 * Which events a subscription receives. Every list that is given must match (AND across lists, OR
 * within one); an absent or empty list matches everything. `entityIds` matches
 * `data.entity_id|mission_id|plan_id|job_id|attempt_id|resource_uuid`.
 */
export const LiveFilterSchema = z.object({
  channels: z.array(ChannelSchema).max(LIVE_FILTER_MAX).optional(),
  eventTypes: z.array(z.string().min(1).max(200)).max(LIVE_FILTER_MAX).optional(),
  entityIds: z.array(z.string().min(1).max(200)).max(LIVE_FILTER_MAX).optional()
})
export type LiveFilter = z.infer<typeof LiveFilterSchema>

/** Page bounds of getRecentEvents. */
export const RECENT_EVENTS_LIMIT_MAX = 1000
export const RECENT_EVENTS_LIMIT_DEFAULT = 200

/** Most bytes (JSON) in one onEvents push; larger batches are split across pushes. */
export const LIVE_PUSH_MAX_BYTES = 64 * 1024
/** Least time between two onEvents pushes of one subscription (one animation frame). */
export const LIVE_PUSH_INTERVAL_MS = 16

/** live domain of ConsoleApi: event subscriptions on the active environment. */
export const liveMethods = {
  subscribeEvents: defineMethod({
    description:
      'Starts delivering live events of the active environment that match the filter through onEvents.',
    input: LiveFilterSchema,
    output: z.object({ subscriptionId: z.string() })
  }),
  unsubscribeEvents: defineMethod({
    description: 'Stops a subscription; unknown ids are not an error (removed: false).',
    input: z.object({ subscriptionId: z.string().min(1).max(100) }),
    output: z.object({ removed: z.boolean() })
  }),
  getRecentEvents: defineMethod({
    description:
      'One page of stream events from the local cache, newest first; pass nextBeforeId back as beforeId for the next older page.',
    input: z.object({
      channel: ChannelSchema.optional(),
      limit: z
        .number()
        .int()
        .min(1)
        .max(RECENT_EVENTS_LIMIT_MAX)
        .default(RECENT_EVENTS_LIMIT_DEFAULT),
      beforeId: z.string().min(1).max(200).optional()
    }),
    output: z.object({ events: z.array(LiveEventSchema), nextBeforeId: z.string().nullable() })
  })
} satisfies Record<string, MethodDefinition>

export const liveEvents = {
  onEvents: defineEvent({
    description:
      'Live events of one subscription, oldest first, at most one push per 16 ms and 64 KB per push.',
    payload: z.object({ subscriptionId: z.string(), events: z.array(LiveEventSchema) }),
    validatedAtSource: true
  })
} satisfies Record<string, EventDefinition>

import { z } from 'zod'
import { PublishQuerySchema, STREAM_OPEN_EVENT } from '../../shared/neurorail'
import { HttpError } from '../http/errors'
import { route, type RouteDef } from '../http/route'
import { HANDLED } from '../http/router'
import type { EngineServices } from '../services'
import { buildFilter } from '../stream/filter'
import { orEmpty } from './params'

/** An epoch as this engine draws them (resume.ts), from the query or `Last-Event-Epoch`. */
const EPOCH = /^[A-Za-z0-9_-]{1,64}$/

const SubscribeQuery = z.object({
  channels: z.array(z.string().max(64)).max(16).default([]),
  event_types: z.array(z.string().max(200)).max(100).default([]),
  entity_ids: z.array(z.string().max(200)).max(1000).default([]),
  lastEventId: z
    .string()
    .regex(/^\d{1,15}$/, 'lastEventId must be a non-negative integer')
    .optional(),
  epoch: z.string().regex(EPOCH, 'epoch must be 1-64 letters, digits, _ or -').optional(),
  access_token: z.string().optional()
})

/** A header value, trimmed; null when absent or blank. */
function header(
  c: { req: { headers: Record<string, string | string[] | undefined> } },
  name: string
): string | null {
  const value = c.req.headers[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

/** A 422 for a request header, in the shape of the query's (the header's text is not echoed). */
function badHeader(name: string, msg: string): HttpError {
  return new HttpError(422, [{ type: 'value_error', loc: ['header', name], msg, input: null }])
}

/** Stream routes (API §3/§6), mounted and authorised here, unlike on the real backend. */
export function streamRoutes(s: EngineServices): RouteDef[] {
  const { hub, events, streams } = s

  const subscribe = route({
    method: 'GET',
    path: '/stream/events',
    permission: 'read:audit',
    queryToken: true,
    streaming: true,
    query: SubscribeQuery,
    queryLists: ['channels', 'event_types', 'entity_ids'],
    handler: ({ query: q, ctx: c }) => {
      // Headers (sent by EventSource on reconnect) win over the query (for first connects). A
      // Last-Event-ID header this engine never issues (another backend's id) is not an error: an
      // EventSource would give up for good on a 4xx; the resume plan treats it as foreign instead.
      const lastEventId = header(c, 'last-event-id') ?? q.lastEventId ?? null
      if (lastEventId !== null && lastEventId.length > 200) {
        throw badHeader('last-event-id', 'Last-Event-ID is longer than 200 characters')
      }
      const epochHeader = header(c, 'last-event-epoch')
      if (epochHeader !== null && !EPOCH.test(epochHeader)) {
        throw badHeader('last-event-epoch', 'Last-Event-Epoch must be 1-64 letters, digits, _ or -')
      }
      const filter = buildFilter(q.channels, q.event_types, q.entity_ids)
      const slot = streams.admit(c.principal)
      if (!slot.ok)
        throw new HttpError(slot.status, slot.message, {
          'Retry-After': String(slot.retryAfterSeconds)
        })
      // However the stream ends (client, revocation, stall, shutdown), its slot comes back.
      c.res.once('close', slot.release)
      // Planned only once admitted: a plan may fork the log's epoch (ending every open stream), which
      // a request refused for want of a slot must not do.
      const plan = events.identity.plan(
        { lastEventId, epoch: epochHeader ?? q.epoch ?? null },
        events.lastId(),
        () => events.oldestId()
      )
      c.res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no'
      })
      c.req.socket.setNoDelay(true)
      c.req.socket.setTimeout(0)
      // The opening frame carries what the comments below say to a human reading the raw stream.
      const { open } = plan
      let opening = `event: ${STREAM_OPEN_EVENT}\ndata: ${JSON.stringify(open)}\n\n`
      if (open.resume === 'reset') opening = `: reset: ${open.message ?? ''}\n\n${opening}`
      if (open.gap)
        opening = `: gap: events ${open.gap.from}..${open.gap.to} are no longer in the log\n\n${opening}`
      hub.subscribe(c.res, filter, plan.after, c.principal.token, opening)
      return HANDLED
    }
  })

  return [
    subscribe,
    route({
      method: 'GET',
      path: '/stream/stats',
      permission: 'read:metrics',
      handler: () => {
        const k = hub.counters()
        return {
          total_events_published: k.published,
          // Live subscribers (the real backend reports a cumulative count that never goes down).
          total_subscribers: k.subscribers,
          subscribers_by_channel: hub.subscribersByChannel(),
          buffer_sizes: events.sizes()
        }
      }
    }),
    route({
      method: 'POST',
      path: '/stream/publish',
      permission: 'manage:system',
      query: PublishQuerySchema,
      body: orEmpty(z.record(z.string(), z.unknown())),
      handler: ({ query: q, body: data }) => {
        events.publishExternal(q.channel, q.event_type, data)
        return { success: true, channel: q.channel, event_type: q.event_type }
      }
    }),
    route({
      method: 'DELETE',
      path: '/stream/buffers',
      permission: 'manage:system',
      handler: () => {
        events.clear()
        return { success: true, message: 'Event log cleared; event ids keep counting up' }
      }
    })
  ]
}

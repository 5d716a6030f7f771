import { z } from 'zod'
import { PublishQuerySchema } from '../../shared/neurorail'
import { HttpError } from '../http/errors'
import { queryObject } from '../http/query'
import { HANDLED, type Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'
import { buildFilter } from '../stream/filter'

const SubscribeQuery = z.object({
  channels: z.array(z.string().max(64)).max(16).default([]),
  event_types: z.array(z.string().max(200)).max(100).default([]),
  entity_ids: z.array(z.string().max(200)).max(1000).default([]),
  lastEventId: z.string().regex(/^\d{1,15}$/, 'lastEventId must be a non-negative integer').optional(),
  access_token: z.string().optional()
})

const LastEventIdHeader = z.string().regex(/^\d{1,15}$/, 'Last-Event-ID must be a non-negative integer')

/** Stream routes (API §3/§6), mounted and authorised here, unlike on the real backend. */
export function registerStreamRoutes(router: Router, s: EngineServices): void {
  const { hub, events, streams } = s

  router.get('/stream/events', { permission: 'read:audit', queryToken: true, streaming: true }, (c) => {
    const q = parseOr422(SubscribeQuery, queryObject(c.query, ['channels', 'event_types', 'entity_ids']), 'query')
    // The header (sent by EventSource on reconnect) wins over the query (for first connects).
    const header = c.req.headers['last-event-id']
    let lastId: number | null = q.lastEventId !== undefined ? Number(q.lastEventId) : null
    if (typeof header === 'string' && header.trim() !== '') {
      const h = LastEventIdHeader.safeParse(header.trim())
      if (!h.success) {
        const msg = h.error.issues[0]?.message ?? 'invalid'
        throw new HttpError(422, [{ type: 'value_error', loc: ['header', 'last-event-id'], msg, input: header }])
      }
      lastId = Number(h.data)
    }
    const filter = buildFilter(q.channels, q.event_types, q.entity_ids)
    const slot = streams.admit(c.principal)
    if (!slot.ok) throw new HttpError(slot.status, slot.message, { 'Retry-After': String(slot.retryAfterSeconds) })
    // However the stream ends (client, revocation, stall, shutdown), its slot comes back.
    c.res.once('close', slot.release)
    c.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no'
    })
    c.req.socket.setNoDelay(true)
    c.req.socket.setTimeout(0)
    if (lastId !== null && lastId > events.lastId()) {
      // An id from before a database reset (or another engine): resuming "after" it would skip
      // every event this engine has or will have below it. Start from the end of this log instead.
      const end = events.lastId()
      c.res.write(`: reset: Last-Event-ID ${lastId} is ahead of this engine's log; resuming after ${end}\n\n`)
      lastId = events.lastId()
    }
    if (lastId !== null) {
      // Say so when the log no longer reaches back to the client's id (pruned or cleared), rather
      // than pretend the resume is complete.
      const oldest = events.oldestId()
      if (oldest !== null && oldest > lastId + 1) {
        c.res.write(`: gap: events ${lastId + 1}..${oldest - 1} are no longer in the log\n\n`)
      }
    }
    hub.subscribe(c.res, filter, lastId, c.principal.token)
    return HANDLED
  })

  router.get('/stream/stats', { permission: 'read:metrics' }, () => {
    const k = hub.counters()
    return {
      total_events_published: k.published,
      // Live subscribers (the real backend reports a cumulative count that never goes down).
      total_subscribers: k.subscribers,
      subscribers_by_channel: hub.subscribersByChannel(),
      buffer_sizes: events.sizes()
    }
  })

  router.post('/stream/publish', { permission: 'manage:system' }, (c) => {
    const q = parseOr422(PublishQuerySchema, queryObject(c.query), 'query')
    const data = parseOr422(z.record(z.string(), z.unknown()), c.body ?? {})
    events.publish(q.channel, q.event_type, data)
    return { success: true, channel: q.channel, event_type: q.event_type }
  })

  router.delete('/stream/buffers', { permission: 'manage:system' }, () => {
    events.clear()
    return { success: true, message: 'Event log cleared; event ids keep counting up' }
  })
}

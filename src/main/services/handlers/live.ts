import { randomUUID } from 'node:crypto'
import { liveMethods, type LiveEvent } from '../../../shared/console/domains/live'
import { ConsoleFailure } from '../../../shared/console/errors'
import type { HandlerModule, ServiceContext } from '../context'
import type { ActiveSession, ActiveSessionSource } from '../live/active-session'
import {
  compileStreamFilter,
  matchesStreamEvent,
  type StreamFilter
} from '../../../shared/neurorail/stream-filter'
import { chunkForPush } from '../live/push-chunks'
import { OPEN_WAIT_MS } from '../session/console-sessions'

/** Subscriptions one console may hold; a renderer leaking them hits this instead of memory. */
export const MAX_SUBSCRIPTIONS = 64

interface Subscription {
  filter: StreamFilter
}

/**
 * The active environment. While none is open yet (a renderer calling right after load, or during a
 * switch) it waits for one, at most `OPEN_WAIT_MS`; then it fails with a sentence.
 */
export async function requireSession(source: ActiveSessionSource): Promise<ActiveSession> {
  const session = source.activeNow() ?? (await source.whenOpen?.(OPEN_WAIT_MS)) ?? null
  if (!session) {
    throw new ConsoleFailure({
      code: 'no_environment',
      message: 'No environment is open yet; live events and the cache need one.',
      retriable: true
    })
  }
  return session
}

/**
 * Handlers of the live domain: subscriptions with channel/type/entity filters over the open
 * environment's events, pushed as `onEvents` (sized by chunkForPush; the transport's EventBatcher
 * paces them), and pages of recent events
 * from the cache. `source` is `ctx.sessions` unless a test passes its own.
 */
export function createLiveHandlers(
  ctx: ServiceContext,
  source: ActiveSessionSource = ctx.sessions
): HandlerModule<typeof liveMethods> {
  const subscriptions = new Map<string, Subscription>()

  const deliver = (events: LiveEvent[]): void => {
    for (const [id, sub] of subscriptions) {
      const matching = events.filter((event) => matchesStreamEvent(sub.filter, event))
      for (const chunk of chunkForPush(matching)) {
        ctx.events.emit('onEvents', { subscriptionId: id, events: chunk.events })
      }
    }
  }
  const stopListening = source.onEvents((events) => deliver(events))

  return {
    handlers: {
      async subscribeEvents(filter) {
        if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
          throw new ConsoleFailure({
            code: 'too_many_subscriptions',
            message: `At most ${MAX_SUBSCRIPTIONS} live subscriptions may be open; unsubscribe unused ones first.`,
            retriable: false
          })
        }
        const subscriptionId = randomUUID()
        subscriptions.set(subscriptionId, { filter: compileStreamFilter(filter) })
        return { subscriptionId }
      },
      async unsubscribeEvents({ subscriptionId }) {
        return { removed: subscriptions.delete(subscriptionId) }
      },
      async getRecentEvents({ channel, limit, beforeId }) {
        const { cache } = await requireSession(source)
        const page = cache.queryStreamEvents({ channel, limit, beforeId })
        return { events: page.events, nextBeforeId: page.nextBeforeId }
      }
    },
    dispose() {
      stopListening()
      subscriptions.clear()
    }
  }
}

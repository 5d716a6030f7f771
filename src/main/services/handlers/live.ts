import { randomUUID } from 'node:crypto'
import { liveMethods, type LiveEvent } from '../../../shared/console/domains/live'
import { ConsoleFailure } from '../../../shared/console/errors'
import type { HandlerModule, ServiceContext } from '../context'
import type { ActiveSession, ActiveSessionSource } from '../live/active-session'
import { compileFilter, matchesFilter, type CompiledFilter } from '../live/event-filter'
import { PushBatcher } from '../live/push-batcher'
import { OPEN_WAIT_MS } from '../session/console-sessions'

/** Subscriptions one console may hold; a renderer leaking them hits this instead of memory. */
export const MAX_SUBSCRIPTIONS = 64

interface Subscription {
  filter: CompiledFilter
  batcher: PushBatcher
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
 * environment's events, pushed as `onEvents` (paced by PushBatcher), and pages of recent events
 * from the cache. `source` is `ctx.sessions` unless a test passes its own.
 */
export function createLiveHandlers(
  ctx: ServiceContext,
  source: ActiveSessionSource = ctx.sessions
): HandlerModule<typeof liveMethods> {
  const subscriptions = new Map<string, Subscription>()

  const deliver = (events: LiveEvent[]): void => {
    for (const sub of subscriptions.values()) {
      const matching = events.filter((event) => matchesFilter(sub.filter, event))
      if (matching.length > 0) sub.batcher.add(matching)
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
        subscriptions.set(subscriptionId, {
          filter: compileFilter(filter),
          batcher: new PushBatcher((events) => ctx.events.emit('onEvents', { subscriptionId, events }))
        })
        return { subscriptionId }
      },
      async unsubscribeEvents({ subscriptionId }) {
        const sub = subscriptions.get(subscriptionId)
        if (!sub) return { removed: false }
        sub.batcher.close()
        subscriptions.delete(subscriptionId)
        return { removed: true }
      },
      async getRecentEvents({ channel, limit, beforeId }) {
        const { cache } = await requireSession(source)
        const page = cache.queryStreamEvents({ channel, limit, beforeId })
        return { events: page.events, nextBeforeId: page.nextBeforeId }
      }
    },
    dispose() {
      stopListening()
      for (const sub of subscriptions.values()) sub.batcher.close()
      subscriptions.clear()
    }
  }
}

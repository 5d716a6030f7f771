import { cacheMethods, type CacheStatus } from '../../../shared/console/domains/cache'
import type { HandlerModule, ServiceContext } from '../context'
import type { ActiveSession, ActiveSessionSource } from '../live/active-session'
import { requireSession } from './live'

/** How often the active environment's cache is trimmed to its retention (also once soon after start). */
export const RETENTION_INTERVAL_MS = 10 * 60_000
const FIRST_RETENTION_MS = 30_000

function statusOf(session: ActiveSession): CacheStatus {
  return { environmentId: session.environmentId, ...session.cache.status() }
}

/**
 * Handlers of the cache domain: status, retention and clear of the active environment's cache, plus
 * a background timer applying the retention. `source` is `ctx.sessions` unless a test passes its own.
 */
export function createCacheHandlers(
  ctx: ServiceContext,
  source: ActiveSessionSource = ctx.sessions
): HandlerModule<typeof cacheMethods> {
  const trim = (): void => {
    try {
      source.activeNow()?.cache.enforceRetention()
    } catch {
      // A cache closed by a switch mid-call, or a busy file: the next round retries.
    }
  }
  const first = setTimeout(trim, FIRST_RETENTION_MS)
  const every = setInterval(trim, RETENTION_INTERVAL_MS)
  // Housekeeping must never keep a process (CLI, tests) alive.
  first.unref()
  every.unref()

  return {
    handlers: {
      async getCacheStatus() {
        return statusOf(await requireSession(source))
      },
      async setCacheRetention(retention) {
        const session = await requireSession(source)
        session.cache.setRetention(retention)
        session.cache.enforceRetention()
        return statusOf(session)
      },
      async clearCache() {
        const session = await requireSession(source)
        session.cache.clear()
        return statusOf(session)
      }
    },
    dispose() {
      clearTimeout(first)
      clearInterval(every)
    }
  }
}

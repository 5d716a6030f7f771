import type { LiveEvent } from '../../../shared/console/domains/live'
import type { CacheStore } from '../cache/cache-store'

/** The open environment as the live and cache handlers need it. */
export interface ActiveSession {
  readonly environmentId: string
  readonly cache: CacheStore
}

/**
 * Where the live and cache handlers find the open environment and its events. The session manager
 * provides it (see `activeSessionSource` below); tests pass their own with a real CacheStore.
 */
export interface ActiveSessionSource {
  /** The open environment, or null while none is open (between switches). */
  current(): ActiveSession | null
  /** Live events of whichever environment is open, in order. Returns an unsubscribe. */
  onEvents(listener: (events: LiveEvent[], environmentId: string) => void): () => void
}

/** The shape of SessionManager this adapter relies on (kept structural to avoid an import cycle). */
interface SessionManagerLike {
  current(): { readonly profile: { readonly id: string }; readonly cache: CacheStore }
  onEvents(listener: (events: LiveEvent[], session: { readonly profile: { readonly id: string } }) => void): () => void
}

/** Adapts the session manager (src/main/services/session) to ActiveSessionSource. */
export function activeSessionSource(manager: SessionManagerLike): ActiveSessionSource {
  return {
    current() {
      try {
        const session = manager.current()
        return { environmentId: session.profile.id, cache: session.cache }
      } catch {
        return null
      }
    },
    onEvents(listener) {
      return manager.onEvents((events, session) => listener(events, session.profile.id))
    }
  }
}

/**
 * The source from a ServiceContext that carries `sessions` (the SessionManager, adapted; or a
 * ready ActiveSessionSource), else null. Structural on purpose: ServiceContext does not declare
 * `sessions` yet, and the handlers must not fail to build where it is absent.
 */
export function sessionSourceOf(ctx: object): ActiveSessionSource | null {
  const source = (ctx as { sessions?: unknown }).sessions
  if (!source || typeof source !== 'object' || typeof (source as { current?: unknown }).current !== 'function') {
    return null
  }
  if (typeof (source as { onSwitch?: unknown }).onSwitch === 'function') {
    return activeSessionSource(source as SessionManagerLike)
  }
  return source as ActiveSessionSource
}

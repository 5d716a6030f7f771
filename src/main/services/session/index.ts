import type { LiveEvent } from '../../../shared/console/domains/live'
import type { ServiceContext } from '../context'
import type { ActiveSession, ActiveSessionSource } from '../live/active-session'
import { SessionManager } from './session-manager'

export { SessionManager } from './session-manager'
export { EnvironmentSession } from './environment-session'

interface Entry {
  promise: Promise<SessionManager>
  manager: SessionManager | null
}

const entries = new WeakMap<ServiceContext, Entry>()
type EventsListener = (events: LiveEvent[], environmentId: string) => void
/** Listeners registered before the manager existed, with their detach once attached. */
const pendingListeners = new WeakMap<ServiceContext, Map<EventsListener, { detach: (() => void) | null }>>()

/**
 * The one SessionManager of a console service (shared by the environments, data, live and cache
 * handlers), created on first use. It pushes onConnectionState and onEnvironmentsChanged through
 * the context's event sink.
 */
export function getSessionManager(ctx: ServiceContext): Promise<SessionManager> {
  let entry = entries.get(ctx)
  if (!entry) {
    const created: Entry = {
      manager: null,
      promise: SessionManager.create({
        dataDir: ctx.dataDir,
        localEngine: ctx.localEngine,
        adHocEnvironment: ctx.adHocEnvironment,
        live: true,
        onConnectionState: (state) => ctx.events.emit('onConnectionState', state),
        onEnvironmentsChanged: (payload) => ctx.events.emit('onEnvironmentsChanged', payload)
      }).then((manager) => {
        created.manager = manager
        for (const [listener, slot] of pendingListeners.get(ctx) ?? []) {
          slot.detach = manager.onEvents((events, session) => listener(events, session.profile.id))
        }
        return manager
      })
    }
    // A failed start (unreadable data dir…) is not cached: the next call tries again.
    created.promise.catch(() => {
      if (entries.get(ctx) === created) entries.delete(ctx)
    })
    entry = created
    entries.set(ctx, entry)
  }
  return entry.promise
}

/**
 * The open environment for the live and cache handlers (helper B's ActiveSessionSource), without
 * waiting: `current()` is null until the manager has opened its first session (and starts it).
 * Listeners registered early are attached when the manager appears.
 */
export function sessionSource(ctx: ServiceContext): ActiveSessionSource {
  return {
    current(): ActiveSession | null {
      const entry = entries.get(ctx)
      if (!entry?.manager) {
        void getSessionManager(ctx).catch(() => undefined)
        return null
      }
      try {
        const session = entry.manager.current()
        return { environmentId: session.profile.id, cache: session.cache }
      } catch {
        return null
      }
    },
    onEvents(listener) {
      const entry = entries.get(ctx)
      if (entry?.manager) return entry.manager.onEvents((events, session) => listener(events, session.profile.id))
      let pending = pendingListeners.get(ctx)
      if (!pending) pendingListeners.set(ctx, (pending = new Map()))
      const slot: { detach: (() => void) | null } = { detach: null }
      pending.set(listener, slot)
      return () => {
        pending?.delete(listener)
        slot.detach?.()
      }
    }
  }
}

/**
 * Makes `ctx.sessions` available to the live and cache handlers (they read it structurally, see
 * live/active-session.ts `sessionSourceOf`). Called by the environments handlers, which are built
 * before the live and cache ones in console-service.ts.
 */
export function attachSessionSource(ctx: ServiceContext): void {
  if ((ctx as { sessions?: unknown }).sessions) return
  Object.defineProperty(ctx, 'sessions', { value: sessionSource(ctx), enumerable: false, configurable: true })
}

/** Closes the manager of `ctx` if one was created (called by the environments handlers' dispose). */
export async function disposeSessionManager(ctx: ServiceContext): Promise<void> {
  const entry = entries.get(ctx)
  if (!entry) return
  entries.delete(ctx)
  pendingListeners.delete(ctx)
  await (await entry.promise.catch(() => null))?.dispose()
}

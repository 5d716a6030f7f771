import type { ConsoleEventSink } from '../../../shared/console/api'
import type { LiveEvent } from '../../../shared/console/domains/live'
import type { ActiveSession, ActiveSessionSource } from '../live/active-session'
import type { EnvironmentProfile } from '../environments/profile'
import { withTimeLimit } from '../time-limit'
import type { EnvironmentSession } from './environment-session'
import { fail } from './failures'
import { SessionManager, type SessionManagerOptions } from './session-manager'

/**
 * How long the live and cache methods wait for an environment to be open before answering
 * `no_environment`: the first open loads the profiles, probes the keychain (≤ 3 s) and waits for the
 * backend's capabilities (≤ 2 s); a switch closes one cache and opens the next.
 */
export const OPEN_WAIT_MS = 8_000

/**
 * The one SessionManager of a console service, created by `createConsoleService` and handed to
 * every handler factory as `ctx.sessions`. The environments, data and runs handlers use the
 * manager itself; the live and cache handlers use it as their ActiveSessionSource.
 */
export interface ConsoleSessions extends ActiveSessionSource {
  /**
   * The manager, created on the first call (or by `start`) and shared afterwards. A failed start
   * (unreadable data folder…) is not kept: the next call tries again.
   * @throws ConsoleFailure `no_environment` once disposed.
   */
  manager(): Promise<SessionManager>
  /** The open session once any switch in progress has finished (opening it first if needed). */
  active(): Promise<EnvironmentSession>
  /** Begins opening the active environment now, so the first calls of a renderer find it open. */
  start(): void
  /** Starts opening if nothing has, then waits as ActiveSessionSource says (null once disposed). */
  whenOpen(timeoutMs: number): Promise<ActiveSession | null>
  /**
   * The active environment's profile as saved now (a profile edited without a reconnect, e.g. made
   * read-only, counts at once), after any switch in progress.
   */
  activeProfile(): Promise<EnvironmentProfile>
  /** Closes the manager (its session's stream, cache and timers); later calls fail. */
  dispose(): Promise<void>
}

export interface ConsoleSessionsOptions {
  readonly dataDir: string
  readonly localEngine: SessionManagerOptions['localEngine']
  readonly adHocEnvironment?: SessionManagerOptions['adHocEnvironment']
  /** Receives onConnectionState and onEnvironmentsChanged. */
  readonly events: ConsoleEventSink
  /** Where a failed background start is reported (the next call retries and fails visibly). */
  readonly log?: (message: string, details?: unknown) => void
  /** False opens no live stream (a one-shot CLI command); true unless said. */
  readonly live?: boolean
  /** Replaces SessionManager's own options (tests: credentials off, short waits; the CLI's). */
  readonly manager?: Partial<
    Pick<SessionManagerOptions, 'credentials' | 'http' | 'connectWaitMs' | 'connect'>
  >
}

type EventsListener = (events: LiveEvent[], environmentId: string) => void

function toActive(session: {
  readonly profile: { readonly id: string }
  readonly cache: ActiveSession['cache']
}): ActiveSession {
  return { environmentId: session.profile.id, cache: session.cache }
}

/** Creates the session holder of one console service; nothing opens before `start` or a first use. */
export function createConsoleSessions(options: ConsoleSessionsOptions): ConsoleSessions {
  let pending: Promise<SessionManager> | null = null
  let manager: SessionManager | null = null
  let disposed = false
  // Listeners live here rather than on the manager so the live handlers can subscribe before the
  // manager exists; one forwarding listener is attached to each manager created.
  const listeners = new Set<EventsListener>()

  function create(): Promise<SessionManager> {
    if (disposed) return Promise.reject(fail('no_environment', 'ControlDeck is shutting down.'))
    if (pending) return pending
    const created = SessionManager.create({
      ...options.manager,
      dataDir: options.dataDir,
      localEngine: options.localEngine,
      adHocEnvironment: options.adHocEnvironment,
      live: options.live ?? true,
      onConnectionState: (state) => options.events.emit('onConnectionState', state),
      onEnvironmentsChanged: (payload) => options.events.emit('onEnvironmentsChanged', payload)
    }).then(async (opened) => {
      if (disposed) {
        // Disposed while opening: close what just opened instead of handing it out.
        await opened.dispose()
        throw fail('no_environment', 'ControlDeck is shutting down.')
      }
      manager = opened
      opened.onEvents((events, session) => {
        for (const listener of listeners) listener(events, session.profile.id)
      })
      return opened
    })
    pending = created
    created.catch(() => {
      if (pending === created) pending = null
    })
    return created
  }

  async function active(): Promise<EnvironmentSession> {
    return (await create()).active()
  }

  return {
    manager: create,
    active,
    start() {
      create().catch((error: unknown) =>
        options.log?.('the active environment did not open at start-up', error)
      )
    },
    async activeProfile() {
      const [m, session] = await Promise.all([create(), active()])
      return m.environments.get(session.profile.id)
    },
    activeNow() {
      if (!manager) return null
      try {
        return toActive(manager.activeNow())
      } catch {
        return null // between the close of one session and the open of the next
      }
    },
    whenOpen(timeoutMs) {
      const opened = active()
        .then(toActive)
        .catch(() => null)
      return withTimeLimit(opened, timeoutMs, () => null)
    },
    onEvents(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async dispose() {
      disposed = true
      listeners.clear()
      const opening = pending
      pending = null
      manager = null
      await (await opening?.catch(() => null))?.dispose()
    }
  }
}

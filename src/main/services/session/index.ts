import type { ServiceContext } from '../context'
import type { SessionManager } from './session-manager'

export { SessionManager } from './session-manager'
export { EnvironmentSession } from './environment-session'
export { createConsoleSessions, type ConsoleSessions } from './console-sessions'

/**
 * The console service's SessionManager: the same as `ctx.sessions.manager()`, which new code
 * should call directly (kept for the handlers that still import it).
 */
export function getSessionManager(ctx: ServiceContext): Promise<SessionManager> {
  return ctx.sessions.manager()
}

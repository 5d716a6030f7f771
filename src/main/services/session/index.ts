export { SessionManager } from './session-manager'
export { EnvironmentSession } from './environment-session'
export { createConsoleSessions, type ConsoleSessions } from './console-sessions'

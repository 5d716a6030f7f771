import type { ServiceLog } from './console-service'

/**
 * The last line of defence of a process that embeds the engine and the console (browser mode,
 * Electron's main process): an exception nothing caught, or a rejection nothing handled, is logged
 * and the process goes on serving. Node's default (exit) would take the console, every open
 * browser tab and the local agents' engine down over one faulty request or listener.
 *
 * Request handling in the engine and both servers already answers every failure itself; this
 * catches what escapes anyway (an event listener, a timer) so one bug costs one request, not the
 * session. Returns a function that removes the handlers again.
 */
export function installLastResort(log: ServiceLog): () => void {
  const report = (what: string) => (error: unknown) => {
    try {
      log(`${what} (kept running)`, error)
    } catch {
      // A failing log must not turn the handler itself into the next uncaught exception.
    }
  }
  const onException = report('unexpected error')
  const onRejection = report('unhandled rejection')
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}

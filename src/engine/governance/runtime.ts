import type { EngineServices } from '../services'
import type { Clock } from '../clock'

/** What every governance part shares: the engine's services, the clock, and two run helpers. */
export interface GovRuntime {
  s: EngineServices
  clock: Clock
  /**
   * Runs `fn` in its own transaction once the current synchronous work is over. Guards use it to
   * record a refusal: the refusal rolls back the transition's transaction, and a violation row
   * written inside it would vanish with it.
   */
  later(fn: () => void): void
  /**
   * Runs `fn` in a transaction, unless the engine has closed its store (a timer that fires after
   * shutdown must do nothing). Errors are reported, never thrown: callers are timers and
   * after-commit listeners, where a throw would crash the process or skip other listeners.
   */
  run(what: string, fn: () => void): void
  /** Reports an internal failure (logged; never thrown at a client). */
  report(what: string, err: unknown): void
}

/** Builds the runtime over the engine's services. */
export function createRuntime(
  s: EngineServices,
  clock: Clock,
  log: (entry: Record<string, unknown>) => void
): GovRuntime {
  const rt: GovRuntime = {
    s,
    clock,
    later(fn) {
      queueMicrotask(() => rt.run('deferred record', fn))
    },
    run(what, fn) {
      if (!s.store.db.open) return
      try {
        s.store.transaction(fn)
      } catch (err) {
        rt.report(what, err)
      }
    },
    report(what, err) {
      log({
        time: new Date(clock.now()).toISOString(),
        level: 'error',
        msg: `governance: ${what} failed`,
        error: err instanceof Error ? err.message : String(err)
      })
    }
  }
  return rt
}

import type { AuditRecorder } from '../../shared/neurorail'

/**
 * Who the engine is recording audit entries for right now: the authenticated principal of the
 * request being handled, or null when the engine acts on its own (timers, startup). Audit writes
 * read it here instead of taking it from every service signature, so no route, service or hook can
 * forget it, and no caller can choose it: only the HTTP server sets it, from the token.
 *
 * A plain variable set around synchronous code, not AsyncLocalStorage: the latter would carry a
 * request's principal into every timer armed during that request (an attempt deadline firing an
 * hour later is the engine's own act). Handlers are synchronous; work a request sets off after its
 * commit keeps the principal through {@link bindRecorder}.
 */
let current: AuditRecorder | null = null

/** Runs `fn` with `recorder` as the principal of the audit entries it writes. */
export function recordingAs<T>(recorder: AuditRecorder | null, fn: () => T): T {
  const outer = current
  current = recorder
  try {
    return fn()
  } finally {
    current = outer
  }
}

/** The principal audit entries written now are recorded for (null: the engine itself). */
export function currentRecorder(): AuditRecorder | null {
  return current
}

/**
 * `fn` bound to the current principal, for work deferred until after a commit: entries it writes
 * are recorded for the request that set it off, not for whichever request's commit runs it.
 */
export function bindRecorder(fn: () => void): () => void {
  const captured = current
  if (captured === null) return fn
  return () => recordingAs(captured, fn)
}

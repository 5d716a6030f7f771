import type { LiveEvent } from '../../../shared/console/domains/live'
import type { CacheStore } from '../cache/cache-store'

/** The active environment as the live and cache handlers need it. */
export interface ActiveSession {
  readonly environmentId: string
  readonly cache: CacheStore
}

/**
 * Where the live and cache handlers find the active environment and its events. In the app it is
 * `ctx.sessions` (session/console-sessions.ts); tests pass their own with a real CacheStore.
 */
export interface ActiveSessionSource {
  /** The active environment, or null while none is open (before the first open, between switches). */
  activeNow(): ActiveSession | null
  /**
   * The active environment once one is (the first open at start-up, or a switch in progress has
   * finished), or null after `timeoutMs`. A source without it answers from `activeNow()` alone.
   */
  whenOpen?(timeoutMs: number): Promise<ActiveSession | null>
  /** Live events of whichever environment is open, in order. Returns an unsubscribe. */
  onEvents(listener: (events: LiveEvent[], environmentId: string) => void): () => void
}

import type { z } from 'zod'
import type { Stale } from '../../../shared/console/domains/data'
import type { BackendClient } from '../client/backend-client'
import { isBackendError, isUnreachable } from '../client/backend-error'
import type { EnvironmentSession } from './environment-session'
import { fail } from './failures'

/** Stale marker for data stored at `fetchedAt` (epoch ms). */
export function staleSince(fetchedAt: number): NonNullable<Stale> {
  return {
    ageMs: Math.max(0, Date.now() - fetchedAt),
    fetchedAt: new Date(fetchedAt).toISOString()
  }
}

/** Whose page a cursor continues: `b:` the backend's, `c:` the cache's (both reach the renderer). */
export type CursorSource = 'b' | 'c'

/** The `source` part of a tagged cursor, or undefined for no cursor or the other source's. */
export function untagCursor(cursor: string | undefined, source: CursorSource): string | undefined {
  return cursor?.startsWith(`${source}:`) ? cursor.slice(2) : undefined
}

/** A next-page cursor tagged with its source; null when there is no next page. */
export function tagCursor(
  source: CursorSource,
  next: string | number | null | undefined
): string | null {
  return next === null || next === undefined || next === '' ? null : `${source}:${next}`
}

/** True for failures where the cache should answer instead: backend away, or BRAiN's known read bug. */
export function shouldUseCache(error: unknown): boolean {
  return isUnreachable(error) || (isBackendError(error) && error.code === 'backend_bug')
}

/** The sentence for a read that neither the backend nor the cache could answer. */
export function nothingCached(session: EnvironmentSession, error: unknown): Error {
  const why =
    error instanceof Error
      ? error.message
      : (session.state.message ?? 'the backend is not reachable')
  return fail('backend_unavailable', `${why}. ControlDeck has nothing cached for this yet.`)
}

/**
 * What a read through an optional route of our engine got: the backend's answer, or word that the
 * cache must answer instead. `away` is true when there is no client or the backend is away (or hit
 * BRAiN's known read bug): the cache's answer is then stale, and `failure` says why (null without a
 * client). It is false when the backend simply lacks the route (BRAiN): the cache is all there is.
 */
export type SupportedRead<T> =
  { answered: true; value: T } | { answered: false; away: boolean; failure: unknown }

/**
 * Asks the backend through `read` when its capabilities list `feature`. Failures for which
 * `useCache` is true (by default: backend away, BRAiN's read bug) hand over to the cache; others
 * (not found, refused…) propagate.
 */
export async function readIfSupported<T>(
  session: EnvironmentSession,
  feature: string,
  read: (client: BackendClient) => Promise<T>,
  useCache: (error: unknown) => boolean = shouldUseCache
): Promise<SupportedRead<T>> {
  const client = session.client
  if (!client) return { answered: false, away: true, failure: null }
  try {
    await client.capabilities()
    if (!client.has(feature)) return { answered: false, away: false, failure: null }
    return { answered: true, value: await read(client) }
  } catch (error) {
    if (!useCache(error)) throw error
    return { answered: false, away: true, failure: error }
  }
}

/**
 * Read-through: ask the backend; on success store the answer as a snapshot (kind/key) and return it
 * with `stale: null`; when the backend is away (or hits BRAiN's known read bug) return the last
 * stored answer with its age; with nothing stored, fail with backend_unavailable. Other failures
 * (not found, refused…) propagate: the cache must not hide them.
 */
export async function cachedRead<S extends z.ZodType>(
  session: EnvironmentSession,
  kind: string,
  key: string,
  schema: S,
  fetch: (client: BackendClient) => Promise<z.output<S>>
): Promise<{ value: z.output<S>; stale: Stale }> {
  let failure: unknown = null
  if (session.client) {
    try {
      const value = await fetch(session.client)
      session.cache.putSnapshot(kind, key, value)
      session.noteData()
      return { value, stale: null }
    } catch (error) {
      if (!shouldUseCache(error)) throw error
      failure = error
    }
  }
  const snapshot = session.cache.getSnapshot(kind, key)
  // The cache file is outside input too: a snapshot that no longer parses counts as none.
  const parsed = snapshot ? schema.safeParse(snapshot.value) : null
  if (snapshot && parsed?.success)
    return { value: parsed.data, stale: staleSince(snapshot.fetchedAt) }
  throw nothingCached(session, failure)
}

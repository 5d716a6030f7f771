import { dataMethods, type Stale } from '../../../shared/console/domains/data'
import {
  AuditStatsSchema,
  GovernorInfoSchema,
  LifecycleStatsSchema,
  TelemetrySnapshotSchema,
  EntityMetricsSchema
} from '../../../shared/neurorail'
import { isConsoleFailure } from '../../../shared/console/errors'
import { isBackendError } from '../client/backend-error'
import type { DomainHandlers, HandlerModule, ServiceContext } from '../context'
import type { EnvironmentSession } from '../session'
import { queryAudit } from '../session/audit-service'
import { listRecentFailures } from '../session/recent-failures'
import { discoverFromAudit } from '../session/discovery'
import {
  cachedRead,
  readIfSupported,
  shouldUseCache,
  staleSince,
  tagCursor,
  untagCursor
} from '../session/cached-read'
import { getEntityDetails, listEntities, suggest } from '../session/entity-service'
import { fail, withFailures } from '../session/failures'
import { getTraceRollups } from '../session/rollup-service'
import { getChildren, getTrace } from '../session/trace-service'

type DataHandlers = DomainHandlers<typeof dataMethods>

/** The client of the active session, or a sentence saying why there is none. */
function clientOf(session: EnvironmentSession) {
  if (!session.client)
    throw fail('backend_unavailable', session.state.message ?? 'This environment has no backend.')
  return session.client
}

/** Age of the last backend answer of a kind (stored by the read that got it), or null. */
function lastAnswerStale(session: EnvironmentSession, kind: string) {
  const last = session.cache.getSnapshot(kind, 'last-answer')
  return last ? staleSince(last.fetchedAt) : null
}

/** Maps a backend 404 of a read to a not-found sentence (other failures pass). */
function notFoundAs<T>(message: string): (error: unknown) => T {
  return (error) => {
    if (isBackendError(error) && error.code === 'not_found') throw fail('not_found', message, 404)
    throw error
  }
}

/** A read's value with its age beside it, the shape the data methods answer in. */
async function withStale<T extends object>(
  read: Promise<{ value: T; stale: Stale }>
): Promise<T & { stale: Stale }> {
  const { value, stale } = await read
  return { ...value, stale }
}

/** Builds the data handlers on the session of `manager` (pure function of the active session). */
export function buildDataHandlers(active: () => Promise<EnvironmentSession>): DataHandlers {
  const handlers: DataHandlers = {
    getTrace: async ({ entityId }) => getTrace(await active(), entityId),
    getChildren: async (input) => getChildren(await active(), input),
    getTraceRollups: async ({ entityId }) => {
      const session = await active()
      return getTraceRollups(session, await getTrace(session, entityId))
    },
    getEntityDetails: async ({ entityId }) => getEntityDetails(await active(), entityId),
    listMissions: async (input) => listEntities(await active(), 'mission', input),
    listJobs: async (input) => listEntities(await active(), 'job', input),
    listAttempts: async (input) => listEntities(await active(), 'attempt', input),
    queryAudit: async (input) => queryAudit(await active(), input),
    listRecentFailures: async ({ limit }) => listRecentFailures(await active(), limit ?? 8),
    suggest: async ({ text, limit }) => suggest(await active(), text.trim(), limit ?? 8),

    getAuditStats: async ({ since, until }) => {
      const range = { start_time: since, end_time: until }
      return withStale(
        cachedRead(await active(), 'audit-stats', JSON.stringify(range), AuditStatsSchema, (c) =>
          c.getAuditStats(range)
        )
      )
    },

    getTelemetrySnapshot: async () =>
      withStale(
        cachedRead(await active(), 'telemetry-snapshot', '', TelemetrySnapshotSchema, (c) =>
          c.getTelemetrySnapshot()
        ).catch(
          notFoundAs<never>('This backend has no telemetry snapshot (BRAiN never writes one).')
        )
      ),

    getEntityMetrics: async ({ entityId }) =>
      withStale(
        cachedRead(await active(), 'metrics', entityId, EntityMetricsSchema, (c) =>
          c.getEntityMetrics(entityId)
        ).catch(notFoundAs<never>(`No metrics are recorded for ${entityId}.`))
      ),

    getLifecycleStats: async () => {
      const session = await active()
      const answer = await readIfSupported(
        session,
        'lifecycle_stats',
        async () => {
          const { value, stale } = await cachedRead(
            session,
            'lifecycle-stats',
            '',
            LifecycleStatsSchema,
            (c) => c.getLifecycleStats()
          )
          const { jobs_given_up: givenUp, ...counts } = value
          return { ...counts, givenUp: givenUp ?? null, source: 'backend' as const, stale }
        },
        // backend_unavailable from cachedRead = away with no stored answer: counting the cache still helps.
        (error) =>
          shouldUseCache(error) ||
          (isConsoleFailure(error) && error.error.code === 'backend_unavailable')
      )
      if (answer.answered) return answer.value
      // No stats route (BRAiN): what the audit history shows is counted too (the pass is shared
      // with the lists and bounded); no answer: count what the cache has seen.
      if (!answer.away) await discoverFromAudit(session)
      const counts = session.cache.lifecycleCounts()
      const oldestAt = session.cache.status().oldestAt
      return {
        states: counts.states,
        transitions: counts.transitions.flatMap((t) =>
          t.entity_type === 'mission' || t.entity_type === 'job' || t.entity_type === 'attempt'
            ? [{ ...t, entity_type: t.entity_type }]
            : []
        ),
        givenUp: null,
        source: 'cache' as const,
        stale: answer.away && oldestAt ? staleSince(Date.parse(oldestAt)) : null
      }
    },

    getGovernorInfo: async () =>
      withStale(
        cachedRead(await active(), 'governor-info', '', GovernorInfoSchema, (c) =>
          c.getGovernorInfo()
        )
      ),

    listDecisions: async ({ cursor, limit }) => {
      const session = await active()
      const answer = await readIfSupported(session, 'decisions_list', async (client) => {
        const page = await client.listDecisions({
          cursor: untagCursor(cursor, 'b'),
          limit: limit ?? 50
        })
        session.cache.putDecisions(page.items)
        session.cache.putSnapshot('decisions', 'last-answer', {})
        session.noteData()
        return {
          items: page.items,
          nextCursor: tagCursor('b', page.next_cursor),
          source: 'backend' as const,
          stale: null
        }
      })
      if (answer.answered) return answer.value
      const page = session.cache.listDecisions({
        cursor: untagCursor(cursor, 'c'),
        limit: limit ?? 50
      })
      return {
        items: page.items,
        nextCursor: tagCursor('c', page.nextCursor),
        source: 'cache' as const,
        stale: answer.away ? lastAnswerStale(session, 'decisions') : null
      }
    },

    governorDecide: async (input) => {
      const session = await active()
      const decision = await clientOf(session).governorDecide(input)
      session.cache.putDecisions([decision])
      return decision
    },

    transitionEntity: async ({ entityType, entityId, transition, metadata }) => {
      const session = await active()
      const event = await clientOf(session).transition(
        entityType,
        entityId,
        transition,
        metadata ?? {}
      )
      session.cache.putTransitions([event])
      return event
    }
  }
  // Writes are refused on read-only environments by the console service, before any handler runs.
  return withFailures(handlers)
}

/** Handlers of the data domain: reads of the active environment with cache fallback, and its two writes. */
export function createDataHandlers(ctx: ServiceContext): HandlerModule<typeof dataMethods> {
  const { sessions } = ctx
  return {
    handlers: buildDataHandlers(() => sessions.active())
  }
}

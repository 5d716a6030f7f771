import type {
  EntityDetails,
  ListedEntity,
  ListEntitiesInput,
  ListEntitiesResult,
  Stale,
  SuggestResult
} from '../../../shared/console/domains/data'
import {
  EntityMetricsSchema,
  entityTypeOfId,
  IDENTITY_RECORD_SCHEMAS,
  type AuditEvent,
  type EntityMetrics,
  type StateTransitionEvent
} from '../../../shared/neurorail'
import { RollupSchema, type Rollup } from '../../../shared/neurorail/rollup'
import type { BackendClient, ListFilter } from '../client/backend-client'
import { isBackendError, oneLine } from '../client/backend-error'
import {
  cachedRead,
  nothingCached,
  readIfSupported,
  staleSince,
  tagCursor,
  untagCursor
} from './cached-read'
import type { EnvironmentSession } from './environment-session'
import { auditOrigin, discoverFromAudit, lastDiscovery } from './discovery'
import { entityTypeOrFail, unknownEntity } from './failures'
import { cachedRollup, storeRollups } from './rollup-service'
import { asRecord, asState, cacheRows, currentState, isLifecycleType, summary } from './records'

const BUG_NOTE =
  'The backend cannot return this history (known BRAiN bug); showing what ControlDeck has cached.'

/** getEntityDetails: record, state, history, metrics and audit of one entity; parts that fail say why in `notes`. */
export async function getEntityDetails(
  session: EnvironmentSession,
  entityId: string
): Promise<EntityDetails> {
  const type = entityTypeOrFail(entityId)
  let read
  try {
    read = await cachedRead(session, 'record', entityId, IDENTITY_RECORD_SCHEMAS[type], (client) =>
      client.getRecord(type, entityId)
    )
  } catch (error) {
    if (isBackendError(error) && error.code === 'not_found')
      throw unknownEntity(type, entityId, session.profile.name)
    const row = session.cache.getRecord(entityId)
    const record = row ? asRecord(row.record) : null
    if (!row || !record) throw error
    read = { value: record, stale: staleSince(row.seenAt) as Stale }
  }
  const record = read.value as Record<string, unknown>
  session.cache.putRecords(cacheRows(type, [record]))
  const online = read.stale === null
  const notes: string[] = []
  const state = await currentState(session, type, entityId, online)

  let history: StateTransitionEvent[] = []
  if (isLifecycleType(type)) {
    history = session.cache.getHistory(type, entityId)
    if (online && session.client) {
      try {
        const answer = await session.client.getHistory(type, entityId, 1000)
        session.cache.putTransitions(answer.transitions)
        history = answer.transitions
      } catch (error) {
        if (isBackendError(error) && error.code === 'backend_bug') notes.push(BUG_NOTE)
        else notes.push(`The transition history could not be loaded: ${describe(error)}`)
      }
    }
  }

  let metrics: EntityMetrics | null = null
  try {
    if (online) {
      metrics = (
        await cachedRead(session, 'metrics', entityId, EntityMetricsSchema, (client) =>
          client.getEntityMetrics(entityId)
        )
      ).value
    } else {
      // The record already came from the cache: do not wait for the backend a second time.
      const snapshot = EntityMetricsSchema.safeParse(
        session.cache.getSnapshot('metrics', entityId)?.value
      )
      metrics = snapshot.success ? snapshot.data : null
    }
  } catch (error) {
    // No metrics recorded is normal (404); anything else is worth a note.
    if (!(isBackendError(error) && error.code === 'not_found') && !isNothingCached(error)) {
      notes.push(`Metrics could not be loaded: ${describe(error)}`)
    }
  }

  let audit: AuditEvent[] = []
  // The audit query filters by mission or job only (BRAiN has no plan/attempt filter): plans and
  // attempts read their parent's trail and keep their own rows.
  const scope = auditScope(type, entityId, record)
  if (scope) {
    const own = (events: AuditEvent[]) => events.filter(scope.keep).slice(0, 100)
    audit = own(session.cache.queryAudit({ ...scope.cache, limit: 500 }).events)
    if (online && session.client) {
      try {
        const answer = await session.client.queryAudit({
          ...scope.backend,
          limit: scope.exact ? 100 : 500,
          offset: 0
        })
        session.cache.putAuditEvents(answer.events)
        audit = own(answer.events)
      } catch (error) {
        if (isBackendError(error) && error.code === 'backend_bug')
          notes.push(BUG_NOTE.replace('history', 'audit trail'))
        else notes.push(`The audit trail could not be loaded: ${describe(error)}`)
      }
    }
  }
  return {
    entityType: type,
    record: read.value,
    state,
    history,
    metrics,
    audit,
    notes,
    stale: read.stale
  }
}

/** Which audit rows belong to an entity and how to query them (null: resources have none). */
function auditScope(
  type: string,
  id: string,
  record: Record<string, unknown>
): {
  backend: { mission_id?: string; job_id?: string }
  cache: { missionId?: string; jobId?: string }
  keep: (e: AuditEvent) => boolean
  exact: boolean
} | null {
  // Missions and jobs query their own trail; plans and attempts their parent's, keeping their rows.
  const by = (level: 'mission' | 'job', trail: unknown, keep: (e: AuditEvent) => boolean) => {
    if (typeof trail !== 'string') return null
    return level === 'mission'
      ? { backend: { mission_id: trail }, cache: { missionId: trail }, keep, exact: trail === id }
      : { backend: { job_id: trail }, cache: { jobId: trail }, keep, exact: trail === id }
  }
  switch (type) {
    case 'mission':
      return by('mission', id, () => true)
    case 'job':
      return by('job', id, () => true)
    case 'plan':
      return by('mission', record.mission_id, (e) => e.plan_id === id)
    case 'attempt':
      return by('job', record.job_id, (e) => e.attempt_id === id)
    default:
      return null
  }
}

function isNothingCached(error: unknown): boolean {
  return (error as { error?: { code?: string } })?.error?.code === 'backend_unavailable'
}

function describe(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error), 200)
}

type ListKind = 'mission' | 'job' | 'attempt'

/**
 * listMissions/listJobs/listAttempts: our engine's list routes (cursor `b:`), or — on a backend
 * without them (BRAiN) or when it is away — the entities the cache has seen (cursor `c:`). On
 * BRAiN the first page first discovers entities from the audit history (bounded, incremental; see
 * discovery.ts); `origin` says which of the three the rows come from.
 */
export async function listEntities(
  session: EnvironmentSession,
  kind: ListKind,
  input: ListEntitiesInput
): Promise<ListEntitiesResult> {
  const answer = await readIfSupported(
    session,
    'lists',
    async (client): Promise<ListEntitiesResult> => {
      const filter: ListFilter = {
        state: input.state,
        job_type: input.jobType,
        mission_id: input.missionId,
        job_id: input.jobId,
        since: input.since,
        until: input.until,
        cursor: untagCursor(input.cursor, 'b'),
        limit: Math.min(input.limit ?? 50, 500),
        ...(client.has('list_rollups') ? { rollups: 'true' as const } : {})
      }
      const page = await fetchList(client, kind, filter)
      session.noteData()
      const records = page.items as Record<string, unknown>[]
      session.cache.putRecords(cacheRows(kind, records))
      const now = new Date().toISOString()
      session.cache.putStates(
        records.flatMap((r) => {
          const s = asState(r.current_state)
          return s
            ? [{ entityType: kind, entityId: String(r[`${kind}_id`]), state: s, updatedAt: now }]
            : []
        })
      )
      const computed: Array<[string, Rollup]> = []
      const items = records.flatMap((raw): ListedEntity[] => {
        const record = asRecord(raw)
        if (!record) return []
        const row = summary(kind, record, asState(raw.current_state))
        const parsed = RollupSchema.safeParse(raw.rollup)
        if (parsed.success) computed.push([row.entityId, parsed.data])
        return [
          {
            ...row,
            rollup: parsed.success ? parsed.data : cachedRollup(session, kind, row.entityId)
          }
        ]
      })
      storeRollups(session, computed)
      return {
        items,
        nextCursor: tagCursor('b', page.next_cursor),
        source: 'backend',
        origin: {
          kind: 'list_route',
          entities: null,
          eventsScanned: null,
          complete: !page.next_cursor,
          note: null
        },
        stale: null
      }
    }
  )
  if (answer.answered) return answer.value
  // Without list routes the audit history is where entities show up: read what is new first.
  const found = !answer.away && !input.cursor ? await discoverFromAudit(session) : null
  const parentFilter = kind === 'attempt' ? input.jobId : undefined
  const page = session.cache.listEntities({
    entityType: kind,
    state: input.state,
    parentId: parentFilter,
    cursor: untagCursor(input.cursor, 'c'),
    limit: input.limit ?? 50
  })
  // Filters the cache has no column for are applied to the page (so a page may come back short).
  const items: ListedEntity[] = page.items.flatMap((row) => {
    const record = asRecord(row.record)
    if (!record) return []
    const r = record as Record<string, unknown>
    if (input.jobType && r.job_type !== input.jobType) return []
    if (input.since && String(r.created_at) < input.since) return []
    if (input.until && String(r.created_at) > input.until) return []
    if (input.missionId && kind !== 'mission' && missionOf(session, r) !== input.missionId)
      return []
    return [
      {
        ...summary(kind, record, asState(row.state)),
        rollup: cachedRollup(session, kind, row.entityId)
      }
    ]
  })
  const stale = answer.away ? staleOf(page.items.map((i) => i.seenAt)) : null
  if (items.length === 0 && answer.away && page.items.length === 0 && !input.cursor) {
    // Nothing cached and nothing to ask: say why instead of showing an empty list as if it were true.
    throw nothingCached(session, answer.failure)
  }
  const origin = answer.away
    ? {
        kind: 'cache' as const,
        entities: session.cache.countEntities(kind),
        eventsScanned: null,
        complete: false,
        note: null
      }
    : auditOrigin(session, kind, found ?? lastDiscovery(session))
  return { items, nextCursor: tagCursor('c', page.nextCursor), source: 'cache', origin, stale }
}

/** The mission above a cached job or attempt, walking cached parents (null when unknown). */
function missionOf(session: EnvironmentSession, record: Record<string, unknown>): string | null {
  let id: unknown = record.job_id ?? record.plan_id
  for (let hops = 0; typeof id === 'string' && hops < 3; hops++) {
    const row = session.cache.getRecord(id)
    if (!row) return null
    if (row.entityType === 'plan') return row.parentId
    id = row.parentId
  }
  return null
}

function fetchList(client: BackendClient, kind: ListKind, filter: ListFilter) {
  if (kind === 'mission') return client.listMissions(filter)
  if (kind === 'job') return client.listJobs(filter)
  return client.listAttempts(filter)
}

/** Stale marker from the oldest row of a cache answer (null when the answer is empty). */
export function staleOf(seenAts: number[]): Stale {
  return seenAts.length === 0 ? null : staleSince(Math.min(...seenAts))
}

/**
 * suggest: the palette's completions from the cache. Ids complete from 2 characters on (`j_`);
 * job types match anywhere in the name.
 */
export function suggest(session: EnvironmentSession, text: string, limit: number): SuggestResult {
  if (!text) return { entities: [], jobTypes: [] }
  const entities =
    text.length >= 2 && /^[a-z]_[0-9a-f]*$/.test(text)
      ? session.cache.entitiesByIdPrefix(text, limit).flatMap((row) => {
          const type = entityTypeOfId(row.entityId)
          if (!type) return []
          const r = row.record ?? {}
          const hint =
            typeof r.job_type === 'string'
              ? r.job_type
              : typeof r.attempt_number === 'number'
                ? `attempt #${r.attempt_number}`
                : ''
          return [{ entityId: row.entityId, entityType: type, state: row.state, hint }]
        })
      : []
  return { entities, jobTypes: session.cache.jobTypes(text, limit) }
}

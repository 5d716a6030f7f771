import type { ListOrigin } from '../../../shared/console/domains/data'
import {
  entityTypeOfId,
  type AuditEvent,
  type EntityType,
  type LifecycleEntityType
} from '../../../shared/neurorail'
import { isBackendError, isUnreachable, oneLine } from '../client/backend-error'
import type { EnvironmentSession } from './environment-session'
import { asState, cacheRows, isLifecycleType } from './records'

/** Audit events read per request (BRAiN's query allows up to 1000). */
const PAGE = 200
/** Pages of audit read per pass: a pass reads at most 1,000 events, new ones first. */
const PAGES_PER_PASS = 5
/** Trace chains fetched per pass (one per unknown leaf: it brings the records of every level above). */
const TRACES_PER_PASS = 100
/** Current states fetched per pass (entities the new events touched). */
const STATES_PER_PASS = 200
/** Ids waiting for a trace lookup kept between passes (beyond this the oldest are dropped). */
const PENDING_MAX = 5000
/** A list opened again within this long reuses the last pass instead of asking again. */
const MIN_INTERVAL_MS = 5000
/** Parallel requests of one pass (BRAiN is one process; the console must not flood it). */
const PARALLEL = 4

/**
 * What discovery keeps between passes, in the cache (so a restart resumes instead of rescanning):
 * the newest event read (new events are read down to it), how far back older history has been read
 * (`backfill`, an offset from the newest), whether that reached the oldest event, the ids still
 * waiting for their records, and how many events were read in all.
 */
interface DiscoveryMark {
  newest: { ts: string; ids: string[] } | null
  backfill: number
  complete: boolean
  pending: string[]
  eventsScanned: number
}

const EMPTY_MARK: DiscoveryMark = {
  newest: null,
  backfill: 0,
  complete: false,
  pending: [],
  eventsScanned: 0
}

/** The outcome of the last pass: what the list line says about where its rows come from. */
export interface AuditDiscovery {
  eventsScanned: number
  complete: boolean
  note: string | null
}

const passes = new WeakMap<
  EnvironmentSession,
  { running: Promise<AuditDiscovery> | null; at: number; last: AuditDiscovery | null }
>()

/**
 * Discovers missions, plans, jobs and attempts from the audit history, for backends without list
 * routes (BRAiN): reads new audit events (and, within the same bound, older ones not read yet),
 * fetches the trace chain of every entity the cache has no record of (one request brings all levels
 * above it) and the current state of every entity the new events touched, and stores all of it in
 * the cache the lists read. Bounded per pass (pages, traces, states) and incremental: the mark in
 * the cache says where the last pass stopped. Never throws: a failure becomes the `note`.
 */
export function discoverFromAudit(session: EnvironmentSession): Promise<AuditDiscovery> {
  const entry = passes.get(session) ?? { running: null, at: 0, last: null }
  passes.set(session, entry)
  if (entry.running) return entry.running
  if (entry.last && Date.now() - entry.at < MIN_INTERVAL_MS) return Promise.resolve(entry.last)
  entry.running = runPass(session).then((result) => {
    entry.running = null
    entry.at = Date.now()
    entry.last = result
    return result
  })
  return entry.running
}

/** The outcome of the last pass without starting one (for later pages of a list). */
export function lastDiscovery(session: EnvironmentSession): AuditDiscovery {
  const last = passes.get(session)?.last
  if (last) return last
  const mark = readMark(session)
  return { eventsScanned: mark.eventsScanned, complete: mark.complete, note: null }
}

/** The list's origin line for a list discovered from the audit history. */
export function auditOrigin(
  session: EnvironmentSession,
  type: EntityType,
  found: AuditDiscovery
): ListOrigin {
  return {
    kind: 'audit_history',
    entities: session.cache.countEntities(type),
    eventsScanned: found.eventsScanned,
    complete: found.complete,
    note: found.note
  }
}

function readMark(session: EnvironmentSession): DiscoveryMark {
  const value = session.cache.getSnapshot('discovery', 'audit')?.value as
    Partial<DiscoveryMark> | undefined
  // The cache file is outside input: anything that does not look right starts over.
  if (!value || typeof value !== 'object') return { ...EMPTY_MARK }
  const newest = value.newest
  return {
    newest:
      newest && typeof newest.ts === 'string' && Array.isArray(newest.ids)
        ? {
            ts: newest.ts,
            ids: newest.ids.filter((i): i is string => typeof i === 'string').slice(0, PAGE)
          }
        : null,
    backfill:
      Number.isSafeInteger(value.backfill) && (value.backfill as number) >= 0
        ? (value.backfill as number)
        : 0,
    complete: value.complete === true,
    pending: Array.isArray(value.pending)
      ? value.pending
          .filter((i): i is string => typeof i === 'string' && entityTypeOfId(i) !== null)
          .slice(-PENDING_MAX)
      : [],
    eventsScanned: Number.isSafeInteger(value.eventsScanned)
      ? Math.max(0, value.eventsScanned as number)
      : 0
  }
}

function isKnown(mark: DiscoveryMark, e: AuditEvent): boolean {
  const n = mark.newest
  return n !== null && (e.timestamp < n.ts || (e.timestamp === n.ts && n.ids.includes(e.audit_id)))
}

async function runPass(session: EnvironmentSession): Promise<AuditDiscovery> {
  const client = session.client
  const mark = readMark(session)
  const summary = (note: string | null): AuditDiscovery => ({
    eventsScanned: mark.eventsScanned,
    complete: mark.complete,
    note
  })
  if (!client) return summary('The backend is not reachable; listing what ControlDeck has cached.')

  const read: AuditEvent[] = []
  let pages = PAGES_PER_PASS
  let note: string | null = null
  try {
    // 1. New events, newest first, down to the newest one read before.
    // (Also after an empty history was read to its end: everything since then is new.)
    if (mark.newest !== null || mark.complete) {
      let offset = 0
      let reached = false
      while (pages > 0 && !reached) {
        pages--
        const page = (await client.queryAudit({ limit: PAGE, offset })).events
        for (const e of page) {
          if (isKnown(mark, e)) {
            reached = true
            break
          }
          read.push(e)
        }
        offset += page.length
        if (page.length < PAGE) reached = true
      }
      // Older history moved down by the new events. A gap not crossed in this pass is read by the
      // backfill of later passes (from where this one stopped; rows read twice are stored once).
      mark.backfill = reached ? mark.backfill + read.length : read.length
      if (!reached) mark.complete = false
    }
    const newest = read[0]
    // 2. Older history not read yet, within what is left of this pass's bound.
    while (pages > 0 && !mark.complete) {
      pages--
      const page = (await client.queryAudit({ limit: PAGE, offset: mark.backfill })).events
      read.push(...page)
      mark.backfill += page.length
      if (page.length < PAGE) mark.complete = true
    }
    const top = newest ?? (mark.newest === null ? read[0] : undefined)
    if (top)
      mark.newest = {
        ts: top.timestamp,
        ids: read
          .filter((e) => e.timestamp === top.timestamp)
          .map((e) => e.audit_id)
          .slice(0, PAGE)
      }
  } catch (error) {
    note = auditNote(error)
  }
  session.cache.putAuditEvents(read)
  mark.eventsScanned += read.length

  // 3. Records: the trace chain of the deepest entity of each event the cache has no record of.
  const pending = new Set(mark.pending)
  const touched = new Set<string>()
  for (const e of read) {
    const ids = [e.mission_id, e.plan_id, e.job_id, e.attempt_id].filter(
      (i): i is string => typeof i === 'string' && entityTypeOfId(i) !== null
    )
    for (const id of ids) touched.add(id)
    const deepest = ids[ids.length - 1]
    if (deepest && !hasRecord(session, deepest)) pending.add(deepest)
  }
  const lookups = [...pending].slice(0, TRACES_PER_PASS)
  let recordFailure: unknown = null
  await eachLimited(lookups, async (id) => {
    if (recordFailure !== null) return
    try {
      const chain = (await client.getTrace(entityTypeOfId(id) as EntityType, id)).trace_chain
      for (const [type, record] of Object.entries(chain) as [
        EntityType,
        Record<string, unknown> | null
      ][]) {
        if (record) session.cache.putRecords(cacheRows(type, [record]))
      }
      pending.delete(id)
    } catch (error) {
      if (isBackendError(error) && error.code === 'not_found') pending.delete(id)
      else recordFailure = error
    }
  })
  if (recordFailure !== null && note === null)
    note = `Some records could not be read: ${describe(recordFailure)}`
  mark.pending = [...pending].slice(-PENDING_MAX)

  // 4. Current states of the entities the new events touched (their state is what changed).
  const states = [...touched]
    .filter((id) => isLifecycleType(entityTypeOfId(id) as EntityType))
    .slice(0, STATES_PER_PASS)
  const now = new Date().toISOString()
  await eachLimited(states, async (id) => {
    const type = entityTypeOfId(id) as LifecycleEntityType
    try {
      const answer = await client.getState(type, id)
      const state = asState(answer?.current_state)
      if (state)
        session.cache.putStates([{ entityType: type, entityId: id, state, updatedAt: now }])
    } catch {
      // A state that cannot be read leaves the cached one; the record is listed all the same.
    }
  })

  session.cache.putSnapshot('discovery', 'audit', mark)
  if (read.length > 0) session.noteData()
  return summary(note)
}

function hasRecord(session: EnvironmentSession, id: string): boolean {
  return session.cache.getRecord(id)?.record != null
}

function auditNote(error: unknown): string {
  if (isBackendError(error) && error.code === 'backend_bug') {
    return 'The backend cannot return its audit history (known BRAiN bug); listing what ControlDeck has cached.'
  }
  if (isUnreachable(error))
    return 'The backend is not reachable; listing what ControlDeck has cached.'
  return `The audit history could not be read: ${describe(error)}`
}

function describe(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error), 200)
}

/** Runs `work` over `items`, at most PARALLEL at a time. */
async function eachLimited<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker))
}

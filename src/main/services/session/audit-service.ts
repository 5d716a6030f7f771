import type { AuditQueryInput, AuditQueryResult } from '../../../shared/console/domains/data'
import type { AuditEvent } from '../../../shared/neurorail'
import { isBackendError } from '../client/backend-error'
import { nothingCached, shouldUseCache, staleSince, tagCursor, untagCursor } from './cached-read'
import type { EnvironmentSession } from './environment-session'

const DEFAULT_LIMIT = 100

/** Local text filter for backends without text search: every word in message or event type. */
function matchesText(event: AuditEvent, text: string | undefined): boolean {
  if (!text) return true
  const haystack = `${event.message} ${event.event_type}`.toLowerCase()
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word))
}

/**
 * queryAudit: POST /audit/query with offset paging (cursor `b:<offset>`), written through to the
 * cache; when the backend is away or hits BRAiN's audit bug (500 "the JSON object must be str…",
 * never retried), the cache answers (cursor `c:…`) with a note saying why.
 */
export async function queryAudit(
  session: EnvironmentSession,
  input: AuditQueryInput
): Promise<AuditQueryResult> {
  const limit = input.limit ?? DEFAULT_LIMIT
  let note: string | null = null
  let failure: unknown = null
  const client = session.client
  if (client && untagCursor(input.cursor, 'c') === undefined) {
    const offset = Number.parseInt(untagCursor(input.cursor, 'b') ?? '0', 10) || 0
    try {
      const answer = await client.queryAudit({
        mission_id: input.missionId,
        job_id: input.jobId,
        event_type: input.eventType,
        event_category: input.category,
        severity: input.severity,
        start_time: input.since,
        end_time: input.until,
        limit,
        offset
      })
      session.cache.putAuditEvents(answer.events)
      session.cache.putSnapshot('audit', 'last-answer', { at: Date.now() })
      session.noteData()
      const next = offset + answer.events.length
      return {
        events: answer.events.filter((e) => matchesText(e, input.text)),
        nextCursor: tagCursor('b', answer.events.length > 0 && next < answer.total ? next : null),
        // With a local text filter the backend's total no longer counts what is shown.
        total: input.text ? null : answer.total,
        note: input.text
          ? 'Text search is applied to each page locally (the backend has none).'
          : null,
        stale: null
      }
    } catch (error) {
      if (!shouldUseCache(error)) throw error
      failure = error
      if (isBackendError(error) && error.code === 'backend_bug') {
        note =
          'The backend cannot return this history (known BRAiN bug); showing the audit events ControlDeck has cached.'
      }
    }
  }
  const page = session.cache.queryAudit({
    missionId: input.missionId,
    jobId: input.jobId,
    eventType: input.eventType,
    category: input.category,
    severity: input.severity,
    since: input.since,
    until: input.until,
    text: input.text,
    cursor: untagCursor(input.cursor, 'c'),
    limit
  })
  const last = session.cache.getSnapshot('audit', 'last-answer')
  if (page.events.length === 0 && !input.cursor && !last && failure !== null && note === null) {
    throw nothingCached(session, failure)
  }
  const backendAway = failure !== null || !client
  return {
    events: page.events,
    nextCursor: tagCursor('c', page.nextCursor),
    total: null,
    note:
      note ?? (backendAway ? 'The backend is not reachable; showing cached audit events.' : null),
    stale: backendAway || note ? staleSince(last?.fetchedAt ?? Date.now()) : null
  }
}

import type { AuditQueryInput, RecentFailuresResult } from '../../../shared/console/domains/data'
import { isFailureEvent, type AuditEvent } from '../../../shared/neurorail'
import { queryAudit } from './audit-service'
import type { EnvironmentSession } from './environment-session'

/**
 * The newest events of any kind read besides the filtered queries: BRAiN's levels are nullable, so
 * a failure without a severity (or with a type no filter names) is found only by reading its type.
 */
export const RECENT_WINDOW = 200

/**
 * listRecentFailures: the newest failures, and nothing else. The audit is asked for errors,
 * criticals, execution failures and the newest RECENT_WINDOW events of any kind (each through
 * queryAudit, so the cache answers when the backend cannot); every answer is then kept only when
 * isFailureEvent says it is one (start and success events never are, whatever their level).
 */
export async function listRecentFailures(
  session: EnvironmentSession,
  limit: number
): Promise<RecentFailuresResult> {
  const queries: AuditQueryInput[] = [
    { severity: 'error', limit },
    { severity: 'critical', limit },
    { eventType: 'execution_failure', limit },
    { limit: RECENT_WINDOW }
  ]
  const answers = await Promise.allSettled(queries.map((q) => queryAudit(session, q)))
  const ok = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []))
  const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected')
  if (ok.length === 0 && failed) throw failed.reason
  const byId = new Map<string, AuditEvent>()
  for (const answer of ok)
    for (const e of answer.events) if (isFailureEvent(e)) byId.set(e.audit_id, e)
  const events = [...byId.values()]
    .sort((a, b) =>
      a.timestamp === b.timestamp
        ? b.audit_id.localeCompare(a.audit_id)
        : a.timestamp < b.timestamp
          ? 1
          : -1
    )
    .slice(0, limit)
  return {
    events,
    window: RECENT_WINDOW,
    note: ok.find((a) => a.note !== null)?.note ?? null,
    stale: ok.find((a) => a.stale !== null)?.stale ?? null
  }
}

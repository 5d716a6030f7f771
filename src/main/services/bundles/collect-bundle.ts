import { DecisionListResultSchema, type TraceNode } from '../../../shared/console/domains/data'
import {
  INCIDENT_BUNDLE_FORMAT,
  INCIDENT_BUNDLE_VERSION,
  MAX_BUNDLE_NODES,
  MAX_BUNDLE_ROWS,
  type IncidentBundle
} from '../../../shared/console/bundle/schema'
import type {
  AuditEvent,
  Decision,
  EntityMetrics,
  StateTransitionEvent
} from '../../../shared/neurorail'
import type { LiveEvent } from '../../../shared/console/domains/live'
import { buildDataHandlers } from '../handlers/data'
import { queryAudit } from '../session/audit-service'
import { getEntityDetails } from '../session/entity-service'
import { getTrace } from '../session/trace-service'
import type { EnvironmentSession } from '../session/environment-session'
import { fail } from '../session/failures'

/** Entities whose history and metrics are fetched side by side. */
const DETAIL_CONCURRENCY = 4
/** Pages of governor decisions read while looking for the mission's (newest first). */
const DECISION_PAGES = 5
/** Cached stream events scanned per channel for reflex actions about the trace. */
const REFLEX_SCAN = 5_000

function nodesOf(root: TraceNode): TraceNode[] {
  const out: TraceNode[] = []
  const stack = [root]
  while (stack.length > 0 && out.length < MAX_BUNDLE_NODES) {
    const node = stack.pop()!
    out.push(node)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!)
  }
  return out
}

/** The tree cut to the nodes kept (a trace over MAX_BUNDLE_NODES keeps its first ones, depth first). */
function prune(node: TraceNode, keep: ReadonlySet<string>): TraceNode {
  return {
    ...node,
    children: node.children.filter((c) => keep.has(c.entityId)).map((c) => prune(c, keep))
  }
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Whether a stream event's data names any of `ids` (reflex payloads carry job or mission ids). */
function mentions(event: LiveEvent, ids: ReadonlySet<string>): boolean {
  const text = JSON.stringify(event.data)
  for (const match of text.matchAll(/"([mpjar]_[0-9a-f]{12})"/g))
    if (ids.has(match[1]!)) return true
  return false
}

/**
 * Everything an incident bundle holds about one mission of the session's environment, before
 * redaction: read through the same data handlers the pages use (backend first, cache when away).
 * @throws ConsoleFailure not_found when the mission cannot be traced.
 */
export async function collectIncidentBundle(
  session: EnvironmentSession,
  missionId: string,
  appVersion: string,
  now: Date = new Date()
): Promise<IncidentBundle> {
  const data = buildDataHandlers(() => Promise.resolve(session))
  const trace = await getTrace(session, missionId)
  if (!trace.root)
    throw fail(
      'not_found',
      `Nothing is known about ${missionId} on "${session.profile.name}".`,
      404
    )
  const nodes = nodesOf(trace.root)
  const root = prune(trace.root, new Set(nodes.map((n) => n.entityId)))

  const history: StateTransitionEvent[] = []
  const metrics: EntityMetrics[] = []
  const lifecycle = nodes.filter(
    (n) => n.entityType === 'mission' || n.entityType === 'job' || n.entityType === 'attempt'
  )
  await eachLimited(lifecycle, DETAIL_CONCURRENCY, async (node) => {
    // One entity that cannot be read must not cost the bundle: it goes without that entity's rows.
    const details = await getEntityDetails(session, node.entityId).catch(() => null)
    if (!details) return
    history.push(...details.history)
    if (details.metrics) metrics.push(details.metrics)
  })
  history.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0))

  const audit: AuditEvent[] = []
  for (
    let cursor: string | undefined, page = 0;
    page < 10 && audit.length < MAX_BUNDLE_ROWS;
    page++
  ) {
    const answer = await queryAudit(session, { missionId, cursor, limit: 500 })
    audit.push(...answer.events)
    if (!answer.nextCursor) break
    cursor = answer.nextCursor
  }

  const ids = new Set(nodes.map((n) => n.entityId))
  const decisions: Decision[] = []
  for (let cursor: string | undefined, page = 0; page < DECISION_PAGES; page++) {
    const answer = await data
      .listDecisions({ cursor, limit: 1000 })
      .then((page) => DecisionListResultSchema.parse(page))
      .catch(() => null)
    if (!answer) break
    decisions.push(
      ...answer.items.filter(
        (d) => (d.mission_id && ids.has(d.mission_id)) || (d.job_id && ids.has(d.job_id))
      )
    )
    if (!answer.nextCursor) break
    cursor = answer.nextCursor
  }

  const reflexActions: LiveEvent[] = []
  for (const channel of ['reflex', 'enforcement'] as const) {
    let beforeId: string | undefined
    for (let scanned = 0; scanned < REFLEX_SCAN;) {
      const page = session.cache.queryStreamEvents({ channel, beforeId, limit: 1000 })
      scanned += page.events.length
      reflexActions.push(...page.events.filter((e) => mentions(e, ids)))
      if (!page.nextBeforeId || page.events.length === 0) break
      beforeId = page.nextBeforeId
    }
  }
  reflexActions.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0))

  const capabilities = session.capabilities
  return {
    format: INCIDENT_BUNDLE_FORMAT,
    version: INCIDENT_BUNDLE_VERSION,
    createdAt: now.toISOString(),
    appVersion,
    environment: {
      name: session.profile.name,
      kind: session.profile.kind,
      engine: capabilities.engine,
      version: capabilities.version
    },
    missionId,
    trace: { chain: trace.chain, root },
    history: history.slice(0, MAX_BUNDLE_ROWS),
    metrics: metrics.slice(0, MAX_BUNDLE_ROWS),
    audit: audit.slice(0, MAX_BUNDLE_ROWS),
    decisions: decisions.slice(0, MAX_BUNDLE_ROWS),
    violations: audit.filter((e) => /violation/i.test(e.event_type)).slice(0, MAX_BUNDLE_ROWS),
    reflexActions: reflexActions.slice(0, MAX_BUNDLE_ROWS),
    redaction: { secrets: 0, tagKeys: [], detailKeys: [], removed: 0 }
  }
}

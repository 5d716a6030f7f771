import type { Rollup } from '../../shared/neurorail/rollup'
import type { Store } from '../store/store'

/** The list kinds that carry roll-ups, with the column that names the owner on each table below. */
export type RollupKind = 'mission' | 'job' | 'attempt'

/**
 * The subtree of each owner id, one SELECT per table that holds descendants (mission_id, job_id
 * and attempt_id are denormalised onto the tables below them, so no join walks up the chain).
 */
const SUBTREE: Record<RollupKind, string> = {
  mission: `
    SELECT mission_id AS owner, mission_id AS eid, 'mission' AS kind FROM missions WHERE mission_id IN (SELECT value FROM json_each(@ids))
    UNION ALL SELECT mission_id, plan_id, 'plan' FROM plans WHERE mission_id IN (SELECT value FROM json_each(@ids))
    UNION ALL SELECT mission_id, job_id, 'job' FROM jobs WHERE mission_id IN (SELECT value FROM json_each(@ids))
    UNION ALL SELECT mission_id, attempt_id, 'attempt' FROM attempts WHERE mission_id IN (SELECT value FROM json_each(@ids))
    UNION ALL SELECT mission_id, resource_uuid, 'resource' FROM resources WHERE mission_id IN (SELECT value FROM json_each(@ids))`,
  job: `
    SELECT job_id AS owner, job_id AS eid, 'job' AS kind FROM jobs WHERE job_id IN (SELECT value FROM json_each(@ids))
    UNION ALL SELECT job_id, attempt_id, 'attempt' FROM attempts WHERE job_id IN (SELECT value FROM json_each(@ids))
    UNION ALL SELECT job_id, resource_uuid, 'resource' FROM resources WHERE job_id IN (SELECT value FROM json_each(@ids))`,
  attempt: `
    SELECT attempt_id AS owner, attempt_id AS eid, 'attempt' AS kind FROM attempts WHERE attempt_id IN (SELECT value FROM json_each(@ids))
    UNION ALL SELECT attempt_id, resource_uuid, 'resource' FROM resources WHERE attempt_id IN (SELECT value FROM json_each(@ids))`
}

/** Violations of a subtree: the violation table names the mission, job and attempt it hit. */
const VIOLATIONS: Record<RollupKind, string> = {
  mission:
    'SELECT mission_id AS owner, COUNT(*) AS n FROM gov_violations WHERE mission_id IN (SELECT value FROM json_each(@ids)) GROUP BY mission_id',
  job: 'SELECT job_id AS owner, COUNT(*) AS n FROM gov_violations WHERE job_id IN (SELECT value FROM json_each(@ids)) GROUP BY job_id',
  attempt:
    'SELECT attempt_id AS owner, COUNT(*) AS n FROM gov_violations WHERE attempt_id IN (SELECT value FROM json_each(@ids)) GROUP BY attempt_id'
}

interface Row {
  owner: string
  jobs: number
  attempts: number
  retries: number
  tokens: number
  cost: number
  errors: number
  started_ms: number | null
  last_end_ms: number | null
  open: number
  own_end_ms: number | null
}

function sql(kind: RollupKind): string {
  return `WITH sub AS (${SUBTREE[kind]})
    SELECT s.owner AS owner,
      SUM(CASE WHEN s.kind = 'job' THEN 1 ELSE 0 END) AS jobs,
      SUM(CASE WHEN s.kind = 'attempt' THEN 1 ELSE 0 END) AS attempts,
      COALESCE(SUM(m.retry_count), 0) AS retries,
      COALESCE(SUM(m.llm_tokens_consumed), 0) AS tokens,
      COALESCE(SUM(m.cost_credits), 0) AS cost,
      SUM(CASE WHEN m.success = 0 THEN 1 ELSE 0 END) AS errors,
      MIN(m.started_ms) AS started_ms,
      MAX(m.completed_ms) AS last_end_ms,
      SUM(CASE WHEN m.started_ms IS NOT NULL AND m.completed_ms IS NULL THEN 1 ELSE 0 END) AS open,
      MAX(CASE WHEN s.eid = s.owner THEN m.completed_ms END) AS own_end_ms
    FROM sub s LEFT JOIN entity_metrics m ON m.entity_id = s.eid
    GROUP BY s.owner`
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/**
 * Roll-ups of one page of list items (extension `list_rollups`): the figures `rollUp` in
 * src/shared/neurorail/rollup.ts defines, computed as two SQL aggregates over the page's subtrees
 * instead of loading every descendant (a mission may hold a million attempts). One difference
 * by design: an ended job below a running plan closes its own stragglers in `rollUp`, while here
 * any open entity in the subtree keeps an owner without an own end open.
 */
export function pageRollups(
  store: Store,
  kind: RollupKind,
  ids: readonly string[]
): Map<string, Rollup> {
  const out = new Map<string, Rollup>()
  if (ids.length === 0) return out
  const json = JSON.stringify(ids)
  const violations = new Map<string, number>()
  for (const v of store.prepare(VIOLATIONS[kind]).all({ ids: json }) as Array<{
    owner: string
    n: number
  }>) {
    violations.set(v.owner, v.n)
  }
  for (const r of store.prepare(sql(kind)).all({ ids: json }) as Row[]) {
    // As rollUp: the own end (or a later end below it), else the latest end once nothing is open.
    const endMs =
      r.own_end_ms !== null
        ? Math.max(r.own_end_ms, r.last_end_ms ?? r.own_end_ms)
        : r.open > 0
          ? null
          : r.last_end_ms
    out.set(r.owner, {
      jobs: r.jobs,
      attempts: r.attempts,
      retries: r.retries,
      tokens: r.tokens,
      cost: r.cost,
      errors: r.errors,
      violations: violations.get(r.owner) ?? 0,
      startedAt: iso(r.started_ms),
      endedAt: iso(endMs),
      durationMs: r.started_ms !== null && endMs !== null ? Math.max(0, endMs - r.started_ms) : null
    })
  }
  return out
}

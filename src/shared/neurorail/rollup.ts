import { z } from 'zod'

/**
 * Roll-ups: per entity, the sums over itself and every descendant (mission → plans → jobs →
 * attempts → resources) of what the telemetry records, plus the subtree's wall-clock span.
 *
 * One definition, one function and one format for every view: the Traces lists (per item), the
 * trace view (every mission, plan and job), the CLI's `trace`, and the console's fallback for
 * backends without `list_rollups`. The engine's `list_rollups` extension computes the same figures
 * in SQL for a page of items; its test holds it equal to `rollUp`.
 */
export const RollupSchema = z.object({
  /** Jobs in the subtree (a job counts itself). */
  jobs: z.number().int().nonnegative(),
  /** Attempts in the subtree (an attempt counts itself; a job's `attempt_count` when larger). */
  attempts: z.number().int().nonnegative(),
  /** Retries recorded by the telemetry (`retry_count`) over the subtree. */
  retries: z.number().int().nonnegative(),
  tokens: z.number().nonnegative(),
  cost: z.number().nonnegative(),
  /** Entities in the subtree whose run ended unsuccessfully (`success === false`). */
  errors: z.number().int().nonnegative(),
  /** Budget/governance violations attributed to the subtree (0 when none are known). */
  violations: z.number().int().nonnegative(),
  /** Earliest start in the subtree (ISO), null when nothing started. */
  startedAt: z.string().nullable(),
  /**
   * The end (ISO): the entity's own end (or a later end below it), else the latest end below once
   * everything that started has ended; null while it runs.
   */
  endedAt: z.string().nullable(),
  /** Wall clock from startedAt to endedAt; null while still running or never started. */
  durationMs: z.number().nonnegative().nullable()
})
export type Rollup = z.infer<typeof RollupSchema>

/** One entity of the tree: its id, type and parent (null for a mission or an unknown parent). */
export interface RollupEntity {
  entityId: string
  entityType: 'mission' | 'plan' | 'job' | 'attempt' | 'resource'
  parentId: string | null
}

/** The telemetry fields a roll-up reads (a subset of EntityMetrics, so both backends fit). */
export interface RollupMetrics {
  entity_id: string
  started_at?: string | null
  completed_at?: string | null
  llm_tokens_consumed?: number | null
  cost_credits?: number | null
  attempt_count?: number | null
  retry_count?: number | null
  success?: boolean | null
  violation_count?: number | null
  /**
   * Our engine: tokens, cost, attempts, retries and violations already sum the entity's whole
   * subtree, so nothing below it may be added to it (or, through it, above it) again.
   */
  includes_descendants?: boolean | null
}

/** An empty roll-up (an entity with no descendants and no metrics). */
export function emptyRollup(): Rollup {
  return {
    jobs: 0,
    attempts: 0,
    retries: 0,
    tokens: 0,
    cost: 0,
    errors: 0,
    violations: 0,
    startedAt: null,
    endedAt: null,
    durationMs: null
  }
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : t
}

/** Spans in epoch ms while summing (ISO only at the end: a million Date.parse calls add up). */
interface Span {
  start: number | null
  end: number | null
}

/**
 * Per-entity roll-ups of a tree. Each entity's figures are its own metrics plus its children's
 * roll-ups, except where its metrics say `includes_descendants` (our engine sums at the source):
 * then its consumption and counts are taken as they are and nothing below is added, while an
 * ancestor without that flag adds the entity's roll-up once (mixed trees, e.g. a BRAiN mission
 * over engine-summed jobs, count every figure once). Attempts are counted from the loaded tree or
 * from the metrics' `attempt_count`, whichever is larger, so a job whose attempts are paged
 * (a million of them) still counts them all; jobs and errors come from the loaded entities.
 *
 * Span: the earliest start below; the end is the entity's own end (or a later end below it), else
 * the latest end below once nothing that started is still open. An entity that ended closes its
 * subtree: a straggler that never reported an end does not keep a failed mission running.
 *
 * Pure, iterative and linear (no recursion, no rescans). Metrics and violations of ids not in
 * `entities` are ignored; an entity whose parent is not in the set is a root of its own subtree,
 * and a parent cycle is broken rather than looped. `violations` adds per-entity counts for
 * backends whose metrics carry no `violation_count`.
 */
export function rollUp(
  entities: readonly RollupEntity[],
  metrics: Iterable<RollupMetrics>,
  violations: ReadonlyMap<string, number> = new Map()
): Map<string, Rollup> {
  const n = entities.length
  const index = new Map<string, number>()
  entities.forEach((e, i) => index.set(e.entityId, i))
  const byId = new Map<string, RollupMetrics>()
  for (const m of metrics) if (index.has(m.entity_id)) byId.set(m.entity_id, m)
  // Children as linked lists by index; post-order by an explicit stack (~i marks "children done").
  // -1 ends a list, and stands in for a read out of range, which the walks never make.
  const firstChild = new Int32Array(n).fill(-1)
  const nextSibling = new Int32Array(n).fill(-1)
  const parentOf = (i: number): number | undefined => {
    const parentId = entities[i]?.parentId ?? null
    return parentId === null ? undefined : index.get(parentId)
  }
  for (let i = n - 1; i >= 0; i--) {
    const p = parentOf(i)
    if (p !== undefined && p !== i) {
      nextSibling[i] = firstChild[p] ?? -1
      firstChild[p] = i
    }
  }
  const state = new Uint8Array(n) // 0 unseen, 1 on the stack, 2 done
  const sums: Array<Rollup | undefined> = new Array(n)
  const spans: Array<Span | undefined> = new Array(n)
  const visit = (root: number) => {
    const stack = [root]
    state[root] = 1
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      if (top >= 0) {
        stack.push(~top)
        for (let c = firstChild[top] ?? -1; c !== -1; c = nextSibling[c] ?? -1) {
          if (state[c] !== 0) continue // a cycle back up: already counted
          state[c] = 1
          stack.push(c)
        }
        continue
      }
      const i = ~top
      const e = entities[i]
      if (!e) continue
      const m = byId.get(e.entityId)
      const whole = m?.includes_descendants === true
      const r: Rollup = {
        ...emptyRollup(),
        jobs: e.entityType === 'job' ? 1 : 0,
        retries: m?.retry_count ?? 0,
        tokens: m?.llm_tokens_consumed ?? 0,
        cost: m?.cost_credits ?? 0,
        errors: m?.success === false ? 1 : 0,
        violations: (m?.violation_count ?? 0) + (violations.get(e.entityId) ?? 0)
      }
      const ownEnd = ms(m?.completed_at)
      let start = ms(m?.started_at)
      let lastEnd: number | null = null
      let open = start !== null && ownEnd === null
      let attemptsBelow = 0
      for (let c = firstChild[i] ?? -1; c !== -1; c = nextSibling[c] ?? -1) {
        const child = sums[c]
        const span = spans[c]
        if (!child || !span) continue // on the stack: the edge that closes a cycle
        r.jobs += child.jobs
        r.errors += child.errors
        attemptsBelow += child.attempts
        if (!whole) {
          r.tokens += child.tokens
          r.cost += child.cost
          r.retries += child.retries
          r.violations += child.violations
        }
        if (span.start !== null) {
          if (start === null || span.start < start) start = span.start
          if (span.end === null) open = true
        }
        if (span.end !== null && (lastEnd === null || span.end > lastEnd)) lastEnd = span.end
      }
      r.attempts =
        e.entityType === 'attempt'
          ? 1 + attemptsBelow
          : Math.max(m?.attempt_count ?? 0, attemptsBelow)
      const end = ownEnd !== null ? Math.max(ownEnd, lastEnd ?? ownEnd) : open ? null : lastEnd
      spans[i] = { start, end }
      r.startedAt = start === null ? null : new Date(start).toISOString()
      r.endedAt = end === null ? null : new Date(end).toISOString()
      r.durationMs = start !== null && end !== null ? Math.max(0, end - start) : null
      sums[i] = r
      state[i] = 2
    }
  }
  // Roots first (in order), then whatever only a parent cycle reaches.
  for (let i = 0; i < n; i++) {
    const p = parentOf(i)
    if ((p === undefined || p === i) && state[i] === 0) visit(i)
  }
  for (let i = 0; i < n; i++) if (state[i] === 0) visit(i)
  const out = new Map<string, Rollup>()
  entities.forEach((e, i) => {
    const r = sums[i]
    if (r) out.set(e.entityId, r) // every entity was visited above
  })
  return out
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 })

/**
 * Credits with up to two decimals; a non-zero amount under 0.01 keeps two significant digits
 * instead, so a cheap model call (often under 0.005) never reads as free ("0.00075", not "0").
 */
export function formatCost(credits: number): string {
  return credits !== 0 && Math.abs(credits) < 0.01 ? SMALL.format(credits) : DECIMAL.format(credits)
}

/** Milliseconds as "830 ms", "4.2 s", "3.5 min" or "2.1 h" ("–" when unknown). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 120_000) return `${DECIMAL.format(ms / 1000)} s`
  if (ms < 7_200_000) return `${DECIMAL.format(ms / 60_000)} min`
  return `${DECIMAL.format(ms / 3_600_000)} h`
}

/** A roll-up's wall-clock duration, or "running" / "not started" while it has none. */
export function formatRollupDuration(r: Pick<Rollup, 'durationMs' | 'startedAt'>): string {
  if (r.durationMs === null) return r.startedAt === null ? 'not started' : 'running'
  return formatDuration(r.durationMs)
}

/** One line of a roll-up: "1,500 tokens · 0.75 credits · 2 attempts · 1 retry · 0 violations · 4.2 s". */
export function formatRollup(r: Rollup): string {
  const count = (v: number, one: string, many: string) =>
    `${INTEGER.format(v)} ${v === 1 ? one : many}`
  return [
    count(r.tokens, 'token', 'tokens'),
    `${formatCost(r.cost)} credits`,
    count(r.attempts, 'attempt', 'attempts'),
    count(r.retries, 'retry', 'retries'),
    count(r.violations, 'violation', 'violations'),
    formatRollupDuration(r)
  ].join(' · ')
}

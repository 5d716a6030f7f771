import type { EntityMetrics } from './telemetry'

/**
 * Roll-ups: what a mission, plan or job cost in all, summed over itself and its descendants, and
 * how long it took on the wall clock. One pure function serves the trace view, the lists and the
 * CLI, whatever backend the figures came from.
 */

/** Figures of an entity: its own (from its metrics) or summed over its subtree. */
interface Figures {
  tokens: number
  cost: number
  attempts: number
  retries: number
  violations: number
  /** Epoch ms of the first start (earliest in the subtree), null when nothing ever started. */
  startedMs: number | null
  /** Epoch ms of the end of the last run (latest in the subtree); null while anything runs or never ended. */
  endedMs: number | null
}

/** One entity's own figures (from its metrics), before anything below it is added. */
export interface OwnFigures extends Figures {
  /**
   * The figures already include every descendant (our engine rolls up at the source): children
   * are then not added again, which would count them twice.
   */
  includesDescendants: boolean
}

/** An entity's figures summed over its subtree, plus its wall-clock duration. */
export interface Rollup extends Figures {
  /** endedMs − startedMs; null until both are known. */
  durationMs: number | null
}

/** An entity as the roll-up needs it: its id, its parent's id (null at the top) and its type. */
export interface RollupEntity {
  id: string
  parentId: string | null
  type: string
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : t
}

/** An entity's own figures from its metrics (null metrics: nothing recorded, all zero). */
export function ownFiguresOf(metrics: EntityMetrics | null | undefined): OwnFigures {
  if (!metrics) {
    return { tokens: 0, cost: 0, attempts: 0, retries: 0, violations: 0, startedMs: null, endedMs: null, includesDescendants: false }
  }
  return {
    tokens: metrics.llm_tokens_consumed,
    cost: metrics.cost_credits ?? 0,
    attempts: metrics.attempt_count,
    retries: metrics.retry_count,
    violations: metrics.violation_count ?? 0,
    startedMs: ms(metrics.started_at),
    endedMs: ms(metrics.completed_at),
    includesDescendants: metrics.includes_descendants === true
  }
}

/**
 * Sums figures up the tree: each entity's roll-up is its own figures plus its children's
 * roll-ups (unless its own already include them), its start the earliest and its end the latest
 * in the subtree (no end while a started entity below has none). An entity without figures counts
 * as zero; a job without an attempt count counts its attempt children. Entities whose parent is
 * not in the list are tops. Iterative and linear, so a million attempts neither recurse nor
 * rescan.
 */
export function rollup(
  entities: readonly RollupEntity[],
  figures: ReadonlyMap<string, OwnFigures>
): Map<string, Rollup> {
  const index = new Map<string, number>()
  for (let i = 0; i < entities.length; i++) index.set(entities[i].id, i)
  // Children lists by index, then a post-order by an explicit stack.
  const firstChild = new Int32Array(entities.length).fill(-1)
  const nextSibling = new Int32Array(entities.length).fill(-1)
  const tops: number[] = []
  for (let i = entities.length - 1; i >= 0; i--) {
    const p = entities[i].parentId === null ? undefined : index.get(entities[i].parentId!)
    if (p === undefined || p === i) tops.push(i)
    else {
      nextSibling[i] = firstChild[p]
      firstChild[p] = i
    }
  }
  const out = new Map<string, Rollup>()
  const stack: Array<[number, boolean]> = tops.reverse().map((i) => [i, false])
  while (stack.length) {
    const [i, done] = stack.pop()!
    if (!done) {
      stack.push([i, true])
      for (let c = firstChild[i]; c !== -1; c = nextSibling[c]) stack.push([c, false])
      continue
    }
    const e = entities[i]
    const own = figures.get(e.id) ?? ownFiguresOf(null)
    const r: Rollup = { ...pick(own), durationMs: null }
    let attemptChildren = 0
    let open = own.startedMs !== null && own.endedMs === null
    for (let c = firstChild[i]; c !== -1; c = nextSibling[c]) {
      const child = out.get(entities[c].id)!
      if (entities[c].type === 'attempt') attemptChildren++
      if (!own.includesDescendants) {
        r.tokens += child.tokens
        r.cost += child.cost
        r.attempts += child.attempts
        r.retries += child.retries
        r.violations += child.violations
      }
      if (child.startedMs !== null) {
        if (r.startedMs === null || child.startedMs < r.startedMs) r.startedMs = child.startedMs
        if (child.endedMs === null) open = true
      }
      if (child.endedMs !== null && (r.endedMs === null || child.endedMs > r.endedMs)) r.endedMs = child.endedMs
    }
    if (e.type === 'job' && own.attempts === 0 && !own.includesDescendants) r.attempts += attemptChildren
    if (open) r.endedMs = null
    r.durationMs = r.startedMs !== null && r.endedMs !== null ? Math.max(0, r.endedMs - r.startedMs) : null
    out.set(e.id, r)
  }
  return out
}

function pick(own: OwnFigures): Omit<Rollup, 'durationMs'> {
  const { tokens, cost, attempts, retries, violations, startedMs, endedMs } = own
  return { tokens, cost, attempts, retries, violations, startedMs, endedMs }
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

/** A wall-clock duration as "830 ms", "4.2 s", "3.5 min" or "2.1 h" ("running" without an end). */
export function formatRollupDuration(r: Pick<Rollup, 'durationMs' | 'startedMs'>): string {
  const ms = r.durationMs
  if (ms === null) return r.startedMs === null ? 'not started' : 'running'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 120_000) return `${DECIMAL.format(ms / 1000)} s`
  if (ms < 7_200_000) return `${DECIMAL.format(ms / 60_000)} min`
  return `${DECIMAL.format(ms / 3_600_000)} h`
}

/** One line of a roll-up: "1,500 tokens · 0.75 credits · 2 attempts · 1 retry · 0 violations · 4.2 s". */
export function formatRollup(r: Rollup): string {
  const n = (v: number, one: string, many: string) => `${INTEGER.format(v)} ${v === 1 ? one : many}`
  return [
    n(r.tokens, 'token', 'tokens'),
    `${DECIMAL.format(r.cost)} credits`,
    n(r.attempts, 'attempt', 'attempts'),
    n(r.retries, 'retry', 'retries'),
    n(r.violations, 'violation', 'violations'),
    formatRollupDuration(r)
  ].join(' · ')
}

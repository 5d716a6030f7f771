import type { TraceNode } from './traceTree'

/** What a search inside a trace looks at besides the node itself: its transitions, when loaded. */
export interface SearchExtra {
  history?: ReadonlyArray<{ to_state: string; metadata?: Record<string, unknown> }>
}

const FIELDS = [
  'job_type',
  'plan_type',
  'resource_type',
  'error_code',
  'error_type',
  'tool',
  'tool_name',
  'model',
  'model_name'
]

/** The strings a node is found by: id, type, state, job/plan type, and error codes, tools and models. */
export function searchTextOf(node: TraceNode, extra: SearchExtra = {}): string[] {
  const out = [node.entityId, node.entityType]
  if (node.state) out.push(node.state)
  const add = (o: unknown, depth: number) => {
    if (!o || typeof o !== 'object' || depth > 2) return
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (typeof v === 'string' && FIELDS.includes(k)) out.push(v)
      else if (k === 'metadata' || k === 'context') add(v, depth + 1)
    }
  }
  add(node.record, 0)
  for (const t of extra.history ?? []) {
    out.push(t.to_state)
    add(t.metadata, 1)
  }
  return out
}

/**
 * Whether a node matches a query: every word of the query (case-insensitive) is part of one of
 * its search strings ("failed_timeout llm" finds an llm_call that timed out).
 */
export function matchesQuery(node: TraceNode, query: string, extra?: SearchExtra): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return false
  const texts = searchTextOf(node, extra).map((s) => s.toLowerCase())
  return words.every((w) => texts.some((t) => t.includes(w)))
}

/** The next match index after `current` (wrapping), or before it with `back`; -1 with no matches. */
export function stepMatch(matches: readonly number[], current: number, back: boolean): number {
  if (back) return matches.findLast((m) => m < current) ?? matches.at(-1) ?? -1
  return matches.find((m) => m > current) ?? matches[0] ?? -1
}

/**
 * Where `current` is among the (ascending) matches, or -1: a binary search, since a common word
 * matches every row of a million-attempt trace and this runs on every render.
 */
export function matchIndex(matches: readonly number[], current: number): number {
  let lo = 0
  let hi = matches.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const m = matches[mid]!
    if (m === current) return mid
    if (m < current) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/**
 * Aligns two missions' traces for the Compare view: plans and jobs in creation order, matched by
 * type (a plan by its plan_type, a job by its job_type), so that what ran in one mission and not the
 * other shows as a one-sided row, and matched rows carry their state, attempt, duration, token and
 * cost differences. Pure: the renderer feeds it trees it already loaded, tests feed it literals.
 */

/** The part of a trace node the alignment reads (structurally a `TraceNode` of the console contract). */
export interface AlignNode {
  entityType: string
  entityId: string
  record: object
  state: string | null
  children: readonly AlignNode[]
  childCount?: number | null
}

/** Figures of one entity that the trace tree does not carry (metrics, from the backend or a bundle). */
export interface EntityFigures {
  durationMs: number | null
  tokens: number | null
  cost: number | null
}

/** One plan or job of a mission, in the order the alignment walks them. */
export interface CompareEntry {
  id: string
  kind: 'plan' | 'job'
  /** plan_type or job_type. */
  type: string
  /** Alignment key: kind and type ("job:summarize"). */
  key: string
  state: string | null
  /** Attempts below a job (0 for a plan). */
  attempts: number
  durationMs: number | null
  tokens: number | null
  cost: number | null
}

export type AlignStatus = 'same' | 'changed' | 'left_only' | 'right_only'

/** One row of the side-by-side view. */
export interface AlignedRow {
  key: string
  left: CompareEntry | null
  right: CompareEntry | null
  status: AlignStatus
  /** What differs on a matched row (empty for same and one-sided rows). */
  differences: Array<'state' | 'attempts'>
  /**
   * right − left where both sides know the figure; on a one-sided row the figure itself (negative
   * for work only the left ran); null where it is unknown.
   */
  durationDeltaMs: number | null
  tokensDelta: number | null
  costDelta: number | null
}

export interface Alignment {
  rows: AlignedRow[]
  /** Index in `rows` of the first row that is not `same`; null when the missions ran alike. */
  firstDivergence: number | null
  counts: Record<AlignStatus, number>
  /** Sums over each side's entries (null where no entry knows the figure). */
  totals: {
    left: { tokens: number | null; cost: number | null }
    right: { tokens: number | null; cost: number | null }
  }
  /**
   * True when the traces were too large for the full diff (more than ALIGN_LCS_MAX_CELLS pairs):
   * rows are then matched by the n-th occurrence of each key instead, which still pairs same-type
   * work but may show a moved job as changed rather than as removed and added.
   */
  approximate: boolean
}

/** Largest left × right product aligned by longest common subsequence (memory: one byte per cell). */
export const ALIGN_LCS_MAX_CELLS = 4_000_000

function createdAt(node: AlignNode): string {
  const value = (node.record as { created_at?: unknown }).created_at
  return typeof value === 'string' ? value : ''
}

function byCreation(a: AlignNode, b: AlignNode): number {
  const at = createdAt(a)
  const bt = createdAt(b)
  return at < bt ? -1 : at > bt ? 1 : a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0
}

function typeOf(node: AlignNode): string {
  const record = node.record as { plan_type?: unknown; job_type?: unknown }
  const value = node.entityType === 'plan' ? record.plan_type : record.job_type
  return typeof value === 'string' && value !== '' ? value : node.entityType
}

function entry(
  node: AlignNode,
  kind: 'plan' | 'job',
  figures: ReadonlyMap<string, EntityFigures> | undefined
): CompareEntry {
  const type = typeOf(node)
  const known = figures?.get(node.entityId)
  const attempts =
    kind === 'job'
      ? Math.max(
          node.childCount ?? 0,
          node.children.filter((c) => c.entityType === 'attempt').length
        )
      : 0
  return {
    id: node.entityId,
    kind,
    type,
    key: `${kind}:${type}`,
    state: node.state,
    attempts,
    durationMs: known?.durationMs ?? null,
    tokens: known?.tokens ?? null,
    cost: known?.cost ?? null
  }
}

/**
 * A mission's plans and jobs in the order they were created (each plan followed by its jobs).
 * A tree rooted below a mission (a plan or a job) yields what is below that root.
 */
export function compareEntries(
  root: AlignNode,
  figures?: ReadonlyMap<string, EntityFigures>
): CompareEntry[] {
  const out: CompareEntry[] = []
  const visit = (node: AlignNode): void => {
    if (node.entityType === 'plan') out.push(entry(node, 'plan', figures))
    if (node.entityType === 'job') {
      out.push(entry(node, 'job', figures))
      return
    }
    for (const child of [...node.children].sort(byCreation)) visit(child)
  }
  visit(root)
  return out
}

function delta(left: number | null, right: number | null): number | null {
  return left === null || right === null ? null : right - left
}

function matched(left: CompareEntry, right: CompareEntry): AlignedRow {
  const differences: AlignedRow['differences'] = []
  if (left.state !== right.state) differences.push('state')
  if (left.attempts !== right.attempts) differences.push('attempts')
  return {
    key: left.key,
    left,
    right,
    status: differences.length > 0 ? 'changed' : 'same',
    differences,
    durationDeltaMs: delta(left.durationMs, right.durationMs),
    tokensDelta: delta(left.tokens, right.tokens),
    costDelta: delta(left.cost, right.cost)
  }
}

function oneSided(side: 'left' | 'right', value: CompareEntry): AlignedRow {
  // Work that ran on one side only costs (or saves) all of its figures.
  const sign = side === 'left' ? -1 : 1
  const signed = (figure: number | null): number | null => (figure === null ? null : sign * figure)
  return {
    key: value.key,
    left: side === 'left' ? value : null,
    right: side === 'right' ? value : null,
    status: side === 'left' ? 'left_only' : 'right_only',
    differences: [],
    durationDeltaMs: signed(value.durationMs),
    tokensDelta: signed(value.tokens),
    costDelta: signed(value.cost)
  }
}

/** Longest common subsequence of the key sequences, as rows in order. */
function alignByLcs(left: CompareEntry[], right: CompareEntry[]): AlignedRow[] {
  const n = left.length
  const m = right.length
  // Suffix lengths, two rows at a time for the lengths and one direction byte per cell for the walk.
  const take = new Uint8Array(n * m) // 1 match, 2 skip left, 3 skip right
  let below = new Uint32Array(m + 1)
  for (let i = n - 1; i >= 0; i--) {
    const here = new Uint32Array(m + 1)
    for (let j = m - 1; j >= 0; j--) {
      if (left[i]!.key === right[j]!.key) {
        here[j] = below[j + 1]! + 1
        take[i * m + j] = 1
      } else if (below[j]! >= here[j + 1]!) {
        here[j] = below[j]!
        take[i * m + j] = 2
      } else {
        here[j] = here[j + 1]!
        take[i * m + j] = 3
      }
    }
    below = here
  }
  const rows: AlignedRow[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    const step = take[i * m + j]
    if (step === 1) rows.push(matched(left[i++]!, right[j++]!))
    else if (step === 2) rows.push(oneSided('left', left[i++]!))
    else rows.push(oneSided('right', right[j++]!))
  }
  while (i < n) rows.push(oneSided('left', left[i++]!))
  while (j < m) rows.push(oneSided('right', right[j++]!))
  return rows
}

/** Pairs the k-th occurrence of each key on both sides; unmatched ones follow in their own order. */
function alignByOccurrence(left: CompareEntry[], right: CompareEntry[]): AlignedRow[] {
  const waiting = new Map<string, CompareEntry[]>()
  for (const value of right) {
    const list = waiting.get(value.key)
    if (list) list.push(value)
    else waiting.set(value.key, [value])
  }
  const used = new Set<CompareEntry>()
  const rows: AlignedRow[] = []
  for (const value of left) {
    const partner = waiting.get(value.key)?.shift()
    if (partner) {
      used.add(partner)
      rows.push(matched(value, partner))
    } else rows.push(oneSided('left', value))
  }
  for (const value of right) if (!used.has(value)) rows.push(oneSided('right', value))
  return rows
}

function sum(entries: CompareEntry[], pick: (e: CompareEntry) => number | null): number | null {
  let total: number | null = null
  for (const value of entries) {
    const figure = pick(value)
    if (figure !== null) total = (total ?? 0) + figure
  }
  return total
}

/** Aligns two missions' entries (see compareEntries) row by row. */
export function alignTraces(left: CompareEntry[], right: CompareEntry[]): Alignment {
  const approximate = left.length * right.length > ALIGN_LCS_MAX_CELLS
  const rows = approximate ? alignByOccurrence(left, right) : alignByLcs(left, right)
  const counts: Record<AlignStatus, number> = { same: 0, changed: 0, left_only: 0, right_only: 0 }
  let firstDivergence: number | null = null
  rows.forEach((row, index) => {
    counts[row.status]++
    if (firstDivergence === null && row.status !== 'same') firstDivergence = index
  })
  const jobsOnly = (entries: CompareEntry[]): CompareEntry[] =>
    entries.filter((e) => e.kind === 'job')
  return {
    rows,
    firstDivergence,
    counts,
    totals: {
      left: {
        tokens: sum(jobsOnly(left), (e) => e.tokens),
        cost: sum(jobsOnly(left), (e) => e.cost)
      },
      right: {
        tokens: sum(jobsOnly(right), (e) => e.tokens),
        cost: sum(jobsOnly(right), (e) => e.cost)
      }
    },
    approximate
  }
}

import type { RunOutputLine, RunStream } from '../../../../shared/console/domains/runs'

/** One line of a run's output pane. */
export interface OutputLine {
  seq: number
  stream: RunStream
  text: string
}

/** The output of one run as the pane holds it: lines in seq order, bounded. */
export interface OutputState {
  lines: OutputLine[]
  /** seq of the newest line held (-1 before any). */
  lastSeq: number
  /** Earlier lines no longer held: dropped by the main side's ring buffer or by this pane's bound. */
  hidden: number
}

/** Most lines one pane keeps (the main side keeps as many per run). */
export const OUTPUT_LINES_MAX = 2000

export function emptyOutput(): OutputState {
  return { lines: [], lastSeq: -1, hidden: 0 }
}

function bound(state: OutputState, max: number): OutputState {
  if (state.lines.length <= max) return state
  const over = state.lines.length - max
  return { lines: state.lines.slice(over), lastSeq: state.lastSeq, hidden: state.hidden + over }
}

/**
 * Adds a getRunOutput answer (history, or the lines after a gap). Lines at or before `lastSeq`
 * are already held and skipped, so history and pushes may overlap freely.
 */
export function addHistory(
  state: OutputState,
  answer: { lines: readonly RunOutputLine[]; dropped: number },
  max = OUTPUT_LINES_MAX
): OutputState {
  const fresh = answer.lines.filter((l) => l.seq > state.lastSeq)
  if (fresh.length === 0 && state.lines.length > 0) return state
  const hidden = state.lines.length === 0 && state.lastSeq < 0 ? answer.dropped : state.hidden
  return bound(
    {
      lines: state.lines.concat(fresh.map((l) => ({ seq: l.seq, stream: l.stream, text: l.text }))),
      lastSeq: fresh.at(-1)?.seq ?? state.lastSeq,
      hidden
    },
    max
  )
}

/** What applying one onRunOutput batch did: the new state, and whether lines before it are missing. */
export interface BatchResult {
  state: OutputState
  /** True when the batch starts after a line we never got: fetch `afterSeq: lastSeq` to fill it. */
  gap: boolean
}

/**
 * Appends one onRunOutput batch (`text` is lines joined by "\n", seq firstSeq…lastSeq). Lines
 * already held (overlap with history or a repeated push) are dropped by seq.
 */
export function addBatch(
  state: OutputState,
  batch: { stream: RunStream; text: string; firstSeq: number; lastSeq: number },
  max = OUTPUT_LINES_MAX
): BatchResult {
  if (batch.lastSeq <= state.lastSeq) return { state, gap: false }
  if (state.lastSeq >= 0 && batch.firstSeq > state.lastSeq + 1) return { state, gap: true }
  const texts = batch.text.split('\n')
  const added: OutputLine[] = []
  texts.forEach((text, i) => {
    const seq = batch.firstSeq + i
    if (seq > state.lastSeq && seq <= batch.lastSeq) added.push({ seq, stream: batch.stream, text })
  })
  const lastAdded = added.at(-1)
  if (!lastAdded) return { state, gap: false }
  return {
    state: bound(
      { lines: state.lines.concat(added), lastSeq: lastAdded.seq, hidden: state.hidden },
      max
    ),
    gap: false
  }
}

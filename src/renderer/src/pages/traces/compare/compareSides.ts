import type { IncidentBundle } from '../../../../../shared/console/bundle/schema'
import type { TraceNode } from '../../../../../shared/console/domains/data'
import { rollUp, type Rollup } from '../../../../../shared/neurorail/rollup'
import {
  compareEntries,
  type CompareEntry,
  type EntityFigures
} from '../../../../../shared/neurorail/trace-align'
import { rollupEntities } from '../../../lib/traces/traceTree'
import { api } from '../../../lib/transport/api'

/** One side of a comparison: what it is called and its plans and jobs with their figures. */
export interface CompareSide {
  /** The mission id, plus where it came from for a bundle. */
  label: string
  missionId: string
  source: 'live' | 'bundle'
  entries: CompareEntry[]
  /** The mission's roll-up: its wall-clock duration and the tokens and cost of everything in it. */
  mission: EntityFigures
}

const NO_FIGURES: EntityFigures = { durationMs: null, tokens: null, cost: null }

/** What the other side of a Compare is: another mission of this environment, or a bundle. */
export type CompareSource =
  { kind: 'mission'; missionId: string } | { kind: 'bundle'; bundle: IncidentBundle }

/**
 * Figures of every mission, plan and job from their roll-ups (the shared `rollUp`, as the trace
 * view and the lists show them): sums over everything below, and wall-clock durations.
 */
function figuresOf(rollups: Iterable<readonly [string, Rollup]>): Map<string, EntityFigures> {
  const out = new Map<string, EntityFigures>()
  for (const [id, r] of rollups)
    out.set(id, { durationMs: r.durationMs, tokens: r.tokens, cost: r.cost })
  return out
}

function side(
  root: TraceNode,
  rollups: Iterable<readonly [string, Rollup]>,
  source: CompareSide['source'],
  label: string
): CompareSide {
  const figures = figuresOf(rollups)
  return {
    label,
    missionId: root.entityId,
    source,
    entries: compareEntries(root, figures),
    mission: figures.get(root.entityId) ?? NO_FIGURES
  }
}

/** A side from a trace tree of the active environment, with the roll-ups the console sums for it. */
export async function liveSide(root: TraceNode): Promise<CompareSide> {
  // Without roll-ups the plans and jobs align all the same; their deltas stay unknown.
  const rollups = await api()
    .getTraceRollups({ entityId: root.entityId })
    .then((r) => Object.entries(r.rollups))
    .catch(() => [])
  return side(root, rollups, 'live', root.entityId)
}

/** A side from a bundle: everything it needs is in the file, summed here by the same `rollUp`. */
export function bundleSide(bundle: IncidentBundle): CompareSide {
  const root = bundle.trace.root
  return side(
    root,
    rollUp(rollupEntities(root), bundle.metrics),
    'bundle',
    `${bundle.missionId} (bundle from ${bundle.environment.name})`
  )
}

/** Loads the other side of a Compare. */
export async function loadSide(source: CompareSource): Promise<CompareSide> {
  if (source.kind === 'bundle') return bundleSide(source.bundle)
  const trace = await api().getTrace({ entityId: source.missionId })
  if (!trace.root) throw new Error(`No tree is known for ${source.missionId}.`)
  return liveSide(trace.root)
}

import type { IncidentBundle } from '../../../../../shared/console/bundle/schema'
import type { TraceNode } from '../../../../../shared/console/domains/data'
import type { StateTransitionEvent } from '../../../../../shared/neurorail/lifecycle'
import { isTerminalState } from '../../../../../shared/neurorail/state-machines'
import type { EntityMetrics } from '../../../../../shared/neurorail/telemetry'
import {
  compareEntries,
  type CompareEntry,
  type EntityFigures
} from '../../../../../shared/neurorail/trace-align'
import { api } from '../../../lib/transport/api'

/** One side of a comparison: what it is called and its plans and jobs with their figures. */
export interface CompareSide {
  /** The mission id, plus where it came from for a bundle. */
  label: string
  missionId: string
  source: 'live' | 'bundle'
  entries: CompareEntry[]
  /** The mission's own wall-clock duration, tokens and cost, when known. */
  mission: EntityFigures
}

const NO_FIGURES: EntityFigures = { durationMs: null, tokens: null, cost: null }

/** Jobs whose metrics are fetched for one side (the rest align without figures). */
const METRICS_MAX = 200
const METRICS_CONCURRENCY = 4

/** What the other side of a Compare is: another mission of this environment, or a bundle. */
export type CompareSource =
  { kind: 'mission'; missionId: string } | { kind: 'bundle'; bundle: IncidentBundle }

function figuresOf(metrics: EntityMetrics): EntityFigures {
  return {
    durationMs: metrics.duration_ms,
    tokens: metrics.llm_tokens_consumed,
    cost: metrics.cost_credits ?? null
  }
}

function lifecycleIds(root: TraceNode): string[] {
  const out: string[] = []
  const stack = [root]
  while (stack.length > 0 && out.length < METRICS_MAX) {
    const node = stack.pop()!
    if (node.entityType === 'mission' || node.entityType === 'job' || node.entityType === 'attempt')
      out.push(node.entityId)
    stack.push(...node.children)
  }
  return out
}

const add = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : a + b

/**
 * Agents report usage on attempts: a job's tokens and cost are its own where it has any, else
 * the sum of its attempts' (a job's duration likewise).
 */
function rollUpJobs(root: TraceNode, figures: Map<string, EntityFigures>): void {
  const stack = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.entityType !== 'job') {
      stack.push(...node.children)
      continue
    }
    const own = figures.get(node.entityId) ?? NO_FIGURES
    let sum: EntityFigures = NO_FIGURES
    for (const child of node.children) {
      const f = figures.get(child.entityId)
      if (f)
        sum = {
          durationMs: add(sum.durationMs, f.durationMs),
          tokens: add(sum.tokens, f.tokens),
          cost: add(sum.cost, f.cost)
        }
    }
    figures.set(node.entityId, {
      durationMs: own.durationMs ?? sum.durationMs,
      tokens: own.tokens ? own.tokens : (sum.tokens ?? own.tokens),
      cost: own.cost ? own.cost : (sum.cost ?? own.cost)
    })
  }
}

/**
 * Wall-clock duration from an entity's transitions: first to last, once it reached a terminal
 * state (a running mission has none yet). Used where the metrics give none.
 */
function durationFromHistory(
  history: readonly StateTransitionEvent[],
  entityId: string
): number | null {
  const own = history.filter((t) => t.entity_id === entityId)
  const first = own[0]
  const last = own[own.length - 1]
  if (!first || !last || !isTerminalState(last.entity_type, last.to_state)) return null
  return Date.parse(last.timestamp) - Date.parse(first.timestamp)
}

function withMissionDuration(
  figures: EntityFigures,
  history: readonly StateTransitionEvent[],
  id: string
): EntityFigures {
  return figures.durationMs !== null
    ? figures
    : { ...figures, durationMs: durationFromHistory(history, id) }
}

/** A side from a trace tree of the active environment: its job metrics are fetched (bounded). */
export async function liveSide(root: TraceNode): Promise<CompareSide> {
  const figures = new Map<string, EntityFigures>()
  const ids = lifecycleIds(root)
  let next = 0
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!
      // A job without metrics aligns all the same; its deltas stay unknown.
      const metrics = await api()
        .getEntityMetrics({ entityId: id })
        .catch(() => null)
      if (metrics) figures.set(id, figuresOf(metrics))
    }
  }
  await Promise.all(Array.from({ length: METRICS_CONCURRENCY }, worker))
  rollUpJobs(root, figures)
  const history = await api()
    .getEntityDetails({ entityId: root.entityId })
    .then((d) => d.history)
    .catch(() => [])
  return {
    label: root.entityId,
    missionId: root.entityId,
    source: 'live',
    entries: compareEntries(root, figures),
    mission: withMissionDuration(figures.get(root.entityId) ?? NO_FIGURES, history, root.entityId)
  }
}

/** A side from a bundle: everything it needs is in the file. */
export function bundleSide(bundle: IncidentBundle): CompareSide {
  const figures = new Map(bundle.metrics.map((m) => [m.entity_id, figuresOf(m)]))
  rollUpJobs(bundle.trace.root, figures)
  return {
    label: `${bundle.missionId} (bundle from ${bundle.environment.name})`,
    missionId: bundle.missionId,
    source: 'bundle',
    entries: compareEntries(bundle.trace.root, figures),
    mission: withMissionDuration(
      figures.get(bundle.missionId) ?? NO_FIGURES,
      bundle.history,
      bundle.missionId
    )
  }
}

/** Loads the other side of a Compare. */
export async function loadSide(source: CompareSource): Promise<CompareSide> {
  if (source.kind === 'bundle') return bundleSide(source.bundle)
  const trace = await api().getTrace({ entityId: source.missionId })
  if (!trace.root) throw new Error(`No tree is known for ${source.missionId}.`)
  return liveSide(trace.root)
}

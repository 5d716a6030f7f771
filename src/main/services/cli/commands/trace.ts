import type {
  TraceNode,
  TraceResult,
  TraceRollupsResult
} from '../../../../shared/console/domains/data'
import { EntityIdSchema } from '../../../../shared/neurorail/ids'
import { formatRollup } from '../../../../shared/neurorail/rollup'
import { oneLine } from '../../client/backend-error'
import { CliError } from '../args'
import { consoleCommand } from './console-command'
import { staleLine } from './text'

const LEVELS = ['mission', 'plan', 'job', 'attempt', 'resource'] as const

/** A short description of a record for one line (type-specific: tags, plan type, job type, attempt number). */
function describeRecord(type: string, record: Record<string, unknown>): string {
  switch (type) {
    case 'mission': {
      const tags = Object.entries((record.tags as Record<string, string>) ?? {}).map(
        ([k, v]) => `${k}=${v}`
      )
      return tags.length ? `tags ${tags.join(' ')}` : ''
    }
    case 'plan':
      return String(record.plan_type ?? '')
    case 'job':
      return String(record.job_type ?? '')
    case 'attempt':
      return `#${String(record.attempt_number ?? '?')}`
    case 'resource':
      return String(record.resource_type ?? '')
    default:
      return ''
  }
}

/**
 * The text form of `controldeck trace`: the upward chain, then the downward tree with states, each
 * mission, plan and job with its roll-up (sums over its descendants and wall-clock duration).
 */
export function formatTrace(result: TraceResult, rollups?: TraceRollupsResult): string {
  const lines = [`Trace of ${result.entityType} ${result.entityId}`]
  for (const level of LEVELS) {
    const record = result.chain[level] as Record<string, unknown> | null
    if (!record) continue
    const id = String(record[level === 'resource' ? 'resource_uuid' : `${level}_id`])
    lines.push(
      `  ${level.padEnd(9)} ${id.padEnd(16)} ${String(record.created_at ?? '').padEnd(26)} ${oneLine(describeRecord(level, record), 80)}`
    )
  }
  if (result.root) {
    lines.push('Tree')
    const walk = (node: TraceNode, depth: number): void => {
      const state = node.state ? `[${node.state}]` : ''
      const more = node.nextCursor ? ' (more children not shown)' : ''
      const mark = node.entityId === result.entityId ? '  <' : ''
      const parts = [
        node.entityType,
        node.entityId,
        state,
        oneLine(describeRecord(node.entityType, node.record as Record<string, unknown>), 60)
      ]
      const r = node.entityType !== 'attempt' ? rollups?.rollups[node.entityId] : undefined
      const sums = r ? ` · ${formatRollup(r)}` : ''
      lines.push(`${'  '.repeat(depth + 1)}${parts.filter(Boolean).join(' ')}${sums}${more}${mark}`)
      for (const child of node.children) walk(child, depth + 1)
    }
    walk(result.root, 0)
    if (result.root.childCount === null && result.root.children.length === 0) {
      lines.push('  (this backend cannot list children; only entities seen before are shown)')
    }
  }
  if (rollups?.partial)
    lines.push('(roll-ups cover only part of this tree: the sums are lower bounds)')
  const stale = staleLine(result.stale)
  if (stale) lines.push(stale)
  return lines.join('\n')
}

/**
 * `controldeck trace <id>`: the upward chain of any entity plus the downward tree (where the
 * backend can list children), each entity with its current state. An unknown id exits 2 even on
 * a backend that answers it with 500.
 */
export const traceCommand = consoleCommand({
  name: 'trace',
  summary: 'show the trace chain and tree of an entity with current states',
  usage: 'trace <entity-id> [--json]',
  parse({ positionals }) {
    const id = positionals[0]
    if (!id || positionals.length > 1)
      throw new CliError('usage: controldeck trace <entity-id> (m_/p_/j_/a_/r_ + 12 hex)')
    const parsed = EntityIdSchema.safeParse(id)
    if (!parsed.success)
      throw new CliError(
        `${oneLine(id, 40)}: ${parsed.error.issues[0]?.message ?? 'not an entity id'}`
      )
    return { entityId: parsed.data }
  },
  ask: async (api, input) => ({
    result: await api.invoke('getTrace', input),
    rollups: await api.invoke('getTraceRollups', input)
  }),
  text: ({ result, rollups }) => formatTrace(result, rollups),
  json: ({ result, rollups }) => ({
    ...result,
    rollups: rollups.rollups,
    rollupsPartial: rollups.partial
  })
})

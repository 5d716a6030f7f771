import { z } from 'zod'
import {
  AuditQueryInputSchema,
  type AuditQueryInput,
  type AuditQueryResult
} from '../../../../shared/console/domains/data'
import { oneLine } from '../../client/backend-error'
import { CliError, type CommandContext } from '../args'
import { consoleCommand, noArguments } from './console-command'
import { staleLine } from './text'

/** The text form of `controldeck audit`: one line per event, newest first. */
export function formatAudit(result: AuditQueryResult): string {
  const lines = result.events.map(
    (e) =>
      `${e.timestamp}  ${(e.severity ?? '-').padEnd(8)} ${e.event_category.padEnd(10)} ${oneLine(e.event_type, 30).padEnd(22)} ${e.mission_id ?? '-'} ${e.job_id ?? ''}  ${oneLine(e.message, 160)}`
  )
  if (lines.length === 0) lines.push('No audit events match.')
  if (result.total !== null)
    lines.push(
      `${result.events.length} of ${result.total} events${result.nextCursor ? ` (next page: --cursor ${result.nextCursor})` : ''}`
    )
  else if (result.nextCursor) lines.push(`more: --cursor ${result.nextCursor}`)
  if (result.note) lines.push(result.note)
  const stale = staleLine(result.stale)
  if (stale) lines.push(stale)
  return lines.join('\n')
}

/** The flags of `audit`, in help order: each fills one field of queryAudit's input. */
const AUDIT_FLAGS: ReadonlyArray<
  readonly [flag: string, field: keyof AuditQueryInput, valueName: string, description: string]
> = [
  ['mission', 'missionId', 'ID', 'only events of this mission'],
  ['job', 'jobId', 'ID', 'only events of this job'],
  ['type', 'eventType', 'T', 'only this event type'],
  ['category', 'category', 'C', 'execution, governance, safety or telemetry'],
  ['severity', 'severity', 'S', 'info, warning, error or critical'],
  ['since', 'since', 'ISO', 'events at or after this time'],
  ['until', 'until', 'ISO', 'events at or before this time'],
  ['text', 'text', 'WORDS', 'words that must appear in the message'],
  ['limit', 'limit', 'N', 'events per page (1–1000, default 100)'],
  ['cursor', 'cursor', 'C', 'continue from a previous page']
]

/** queryAudit's input from the flags; a bad value is a usage error naming its flag. */
function auditInput(context: CommandContext): AuditQueryInput {
  noArguments('audit', '; use the flags')(context)
  const raw: Record<string, unknown> = {}
  for (const [flag, field] of AUDIT_FLAGS) {
    const value = context.options[flag]
    if (typeof value === 'string') raw[field] = value
  }
  if (raw.limit !== undefined) raw.limit = z.coerce.number().catch(Number.NaN).parse(raw.limit)
  const input = AuditQueryInputSchema.safeParse(raw)
  if (input.success) return input.data
  const issue = input.error.issues[0]
  const field = String(issue?.path[0] ?? '')
  const flag = AUDIT_FLAGS.find((row) => row[1] === field)?.[0] ?? field
  throw new CliError(`--${flag}: ${issue?.message ?? 'invalid value'}`)
}

/**
 * `controldeck audit [--mission ID] [--job ID] [--type T] [--category C] [--severity S] [--since T]
 * [--until T] [--text WORDS] [--limit N] [--cursor C]`: the audit log of the active environment.
 */
export const auditCommand = consoleCommand({
  name: 'audit',
  summary: 'query the audit log (newest first)',
  usage: `audit ${AUDIT_FLAGS.map(([flag, , value]) => `[--${flag} ${value}]`).join(' ')} [--json]`,
  options: Object.fromEntries(
    AUDIT_FLAGS.map(([flag, , valueName, description]) => [
      flag,
      { type: 'string', valueName, description } as const
    ])
  ),
  parse: auditInput,
  ask: (api, input) => api.invoke('queryAudit', input),
  text: formatAudit
})

import { z } from 'zod'
import {
  AuditQueryInputSchema,
  type AuditQueryResult
} from '../../../../shared/console/domains/data'
import { oneLine } from '../../client/backend-error'
import { CliError, EXIT, type CliCommand } from '../args'
import { withCliConsole } from './cli-session'
import { staleLine } from './trace'

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

/**
 * `controldeck audit [--mission ID] [--job ID] [--type T] [--category C] [--severity S] [--since T]
 * [--until T] [--text WORDS] [--limit N] [--cursor C]`: the audit log of the active environment.
 */
export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'query the audit log (newest first)',
  usage:
    'audit [--mission ID] [--job ID] [--type T] [--category C] [--severity S] [--since ISO] [--until ISO] [--text WORDS] [--limit N] [--cursor C] [--json]',
  options: {
    mission: { type: 'string', valueName: 'ID', description: 'only events of this mission' },
    job: { type: 'string', valueName: 'ID', description: 'only events of this job' },
    type: { type: 'string', valueName: 'T', description: 'only this event type' },
    category: {
      type: 'string',
      valueName: 'C',
      description: 'execution, governance, safety or telemetry'
    },
    severity: { type: 'string', valueName: 'S', description: 'info, warning, error or critical' },
    since: { type: 'string', valueName: 'ISO', description: 'events at or after this time' },
    until: { type: 'string', valueName: 'ISO', description: 'events at or before this time' },
    text: {
      type: 'string',
      valueName: 'WORDS',
      description: 'words that must appear in the message'
    },
    limit: { type: 'string', valueName: 'N', description: 'events per page (1–1000, default 100)' },
    cursor: { type: 'string', valueName: 'C', description: 'continue from a previous page' }
  },
  async run({ global, positionals, options, print }) {
    if (positionals.length > 0)
      throw new CliError(
        `audit takes no arguments (got "${oneLine(positionals[0] ?? '', 40)}"); use the flags`
      )
    const str = (name: string) =>
      typeof options[name] === 'string' ? (options[name] as string) : undefined
    const input = AuditQueryInputSchema.safeParse({
      missionId: str('mission'),
      jobId: str('job'),
      eventType: str('type'),
      category: str('category'),
      severity: str('severity'),
      since: str('since'),
      until: str('until'),
      text: str('text'),
      cursor: str('cursor'),
      limit:
        str('limit') === undefined
          ? undefined
          : z.coerce.number().catch(Number.NaN).parse(str('limit'))
    })
    if (!input.success) {
      const issue = input.error.issues[0]
      const flag =
        { missionId: 'mission', jobId: 'job', eventType: 'type' }[String(issue?.path[0])] ??
        String(issue?.path[0] ?? '')
      throw new CliError(`--${flag}: ${issue?.message ?? 'invalid value'}`)
    }
    const result = await withCliConsole(global, (api) => api.invoke('queryAudit', input.data))
    print(result, () => formatAudit(result))
    return EXIT.ok
  }
}

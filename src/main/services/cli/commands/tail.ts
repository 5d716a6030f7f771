import { ChannelSchema } from '../../../../shared/neurorail/stream'
import { LIVE_FILTER_MAX, type LiveFilter } from '../../../../shared/console/domains/live'
import { runTail } from '../../live/tail'
import { CliError, EXIT, type CliCommand } from '../args'
import { withCliTarget } from './cli-session'

/** Splits a comma-separated flag value into trimmed, non-empty words. */
function list(value: string | boolean | undefined): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : []
}

/** Builds the filter from `--channel/--type/--entity`; unknown channels are a usage error. */
export function tailFilter(
  options: Readonly<Record<string, string | boolean | undefined>>
): LiveFilter {
  const channels = list(options.channel).map((c) => {
    const parsed = ChannelSchema.safeParse(c)
    if (!parsed.success)
      throw new CliError(`--channel: ${parsed.error.issues[0]?.message ?? 'unknown channel'}`)
    return parsed.data
  })
  const eventTypes = list(options.type)
  const entityIds = list(options.entity)
  for (const [flag, values] of [
    ['channel', channels],
    ['type', eventTypes],
    ['entity', entityIds]
  ] as const) {
    if (values.length > LIVE_FILTER_MAX)
      throw new CliError(`--${flag}: at most ${LIVE_FILTER_MAX} values`)
  }
  return {
    ...(channels.length ? { channels } : {}),
    ...(eventTypes.length ? { eventTypes } : {}),
    ...(entityIds.length ? { entityIds } : {})
  }
}

/**
 * `controldeck tail [--channel C,…] [--type T,…] [--entity ID,…] [--json]`: prints live events of
 * the active environment (SSE on our engine, audit polling on BRAiN) until Ctrl-C, which exits 0.
 */
export const tailCommand: CliCommand = {
  name: 'tail',
  summary: 'print live events as they arrive (Ctrl-C to stop)',
  usage: 'tail [--channel C,…] [--type T,…] [--entity ID,…] [--json]',
  options: {
    channel: {
      type: 'string',
      valueName: 'C,…',
      description:
        'only these channels (audit, lifecycle, metrics, reflex, governor, enforcement, signals)'
    },
    type: { type: 'string', valueName: 'T,…', description: 'only these event types' },
    entity: {
      type: 'string',
      valueName: 'ID,…',
      description: 'only events about these mission/plan/job/attempt ids'
    }
  },
  async run({ global, options, io }) {
    const filter = tailFilter(options)
    return withCliTarget(global, async (target) => {
      const controller = new AbortController()
      const stop = (): void => controller.abort()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      try {
        const client = target.client()
        const capabilities = await client.capabilities()
        const code = await runTail({
          baseUrl: client.apiBaseUrl,
          token: target.token || null,
          hasStream: capabilities.features.includes('stream'),
          poll: client,
          filter,
          json: global.json,
          out: io.out,
          err: io.err,
          signal: controller.signal
        })
        return code === 0 ? EXIT.ok : EXIT.failure
      } finally {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
      }
    })
  }
}

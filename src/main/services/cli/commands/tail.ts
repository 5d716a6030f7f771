import { ChannelSchema } from '../../../../shared/neurorail/stream'
import type { ConnectionState } from '../../../../shared/console/domains/environments'
import { LIVE_FILTER_MAX, type LiveFilter } from '../../../../shared/console/domains/live'
import { oneLine } from '../../client/backend-error'
import { formatTailLine } from '../../live/tail'
import {
  CliError,
  EXIT,
  stopSignalOf,
  type CliCommand,
  type CliIo,
  type OptionValue
} from '../args'
import { withCliConsole, type CliConsole } from './cli-session'

/** Splits a comma-separated flag value into trimmed, non-empty words. */
function list(value: OptionValue): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : []
}

/** Builds the filter from `--channel/--type/--entity`; unknown channels are a usage error. */
export function tailFilter(options: Readonly<Record<string, OptionValue>>): LiveFilter {
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
 * the active environment until Ctrl-C (exit 0), through the console's own live path: the
 * environment's stream (SSE on our engine, audit polling on BRAiN), a subscription
 * (`subscribeEvents`) and the pushed `onEvents`, as the app's live feed receives them. Like the app,
 * it first receives what this console has not seen yet since it last watched the environment.
 * Connection changes go to stderr, so stdout holds events only. An environment that cannot be
 * reached at the start, or that refuses the credential, exits 1.
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
    const stop = stopSignalOf(io)
    return withCliConsole(global, (api) => follow(api, filter, global.json, io, stop), 'live')
  }
}

/** Prints the subscription's events until `stop` aborts (exit 0) or the credential is refused. */
async function follow(
  api: CliConsole,
  filter: LiveFilter,
  json: boolean,
  io: CliIo,
  stop: AbortSignal
): Promise<number> {
  const { subscriptionId } = await api.invoke('subscribeEvents', filter)
  api.on('onEvents', (payload) => {
    if (payload.subscriptionId !== subscriptionId) return
    for (const event of payload.events) io.out(json ? JSON.stringify(event) : formatTailLine(event))
  })
  // Asking for the state opens the environment and its stream, and waits for the first probe.
  const first = await api.invoke('getConnectionState', {})
  if (first.status === 'offline' || first.status === 'auth_failed')
    throw new CliError(first.message ?? `"${first.environmentId}" cannot be reached`)
  let shown = ''
  // Resolves with the backend's refusal of the credential, or null once stopped.
  const refused = await new Promise<string | null>((resolve) => {
    const show = (state: ConnectionState): void => {
      const line = `[${state.status}]${state.message ? ` ${oneLine(state.message)}` : ''}`
      // The stream's counts refresh the state every second; only a new status or sentence shows.
      if (line !== shown) io.err(line)
      shown = line
      if (state.status === 'auth_failed')
        resolve(state.message ?? 'The backend refused the credential.')
    }
    show(first)
    api.on('onConnectionState', show)
    if (stop.aborted) resolve(null)
    else stop.addEventListener('abort', () => resolve(null), { once: true })
  })
  if (refused !== null) throw new CliError(refused)
  return EXIT.ok
}

import type { LiveEvent, LiveFilter } from '../../../shared/console/domains/live'
import { oneLine } from '../client/backend-error'
import type { AuditPollSource } from './audit-poller'
import { LiveEventStream, type LiveState } from './live-event-stream'

/** Data fields worth showing on a tail line, in this order. */
const SUMMARY_FIELDS = [
  'entity_id',
  'mission_id',
  'job_id',
  'attempt_id',
  'from_state',
  'to_state',
  'circuit_id',
  'action_type',
  'severity',
  'message',
  'reason'
] as const

/**
 * One human line per event: time, channel, type, id, then the telling fields. Backend text goes
 * through oneLine, so a hostile payload cannot move the cursor or clear the screen (no control
 * characters or escape sequences reach the terminal) and one event stays one line.
 */
export function formatTailLine(event: LiveEvent): string {
  const time = new Date(event.timestamp * 1000)
  const clock = Number.isNaN(time.getTime()) ? '--:--:--.---' : time.toISOString().slice(11, 23)
  const parts: string[] = []
  for (const field of SUMMARY_FIELDS) {
    const value = event.data[field]
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      parts.push(`${field}=${oneLine(String(value), 120)}`)
    }
  }
  return oneLine(
    `${clock} ${event.channel.padEnd(11)} ${event.event_type.padEnd(24)} ${event.id}  ${parts.join(' ')}`,
    400
  )
}

export interface TailOptions {
  baseUrl: string
  token: string | null
  hasStream: boolean
  poll?: AuditPollSource
  filter: LiveFilter
  json: boolean
  out(text: string): void
  err(text: string): void
  /** Aborting ends the tail (Ctrl-C). */
  signal: AbortSignal
  heartbeatTimeoutMs?: number
  pollIntervalMs?: number
}

/**
 * Prints events as they arrive until `signal` aborts (resolves 0) or the backend refuses the
 * credential (resolves 1). Connection changes go to stderr so that stdout stays pure events
 * (JSON lines with `json`, one per event).
 */
export async function runTail(options: TailOptions): Promise<number> {
  let authFailed = false
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const stream = new LiveEventStream({
    baseUrl: options.baseUrl,
    token: options.token,
    hasStream: options.hasStream,
    lastEventId: null,
    filter: options.filter,
    poll: options.poll,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    pollIntervalMs: options.pollIntervalMs,
    onEvents(events) {
      for (const event of events)
        options.out(options.json ? JSON.stringify(event) : formatTailLine(event))
    },
    onState(state: LiveState) {
      options.err(`[${state.status}]${state.message ? ` ${oneLine(state.message)}` : ''}`)
      if (state.status === 'auth_failed') {
        authFailed = true
        finish()
      }
    }
  })
  const onAbort = (): void => finish()
  if (options.signal.aborted) finish()
  else options.signal.addEventListener('abort', onAbort, { once: true })
  stream.start()
  await done
  options.signal.removeEventListener('abort', onAbort)
  await stream.close()
  return authFailed ? 1 : 0
}

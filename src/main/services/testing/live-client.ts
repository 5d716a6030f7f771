import type { LiveEvent } from '../../../shared/console/domains/live'
import {
  LiveEventStream,
  type LiveEventStreamOptions,
  type LiveState
} from '../live/live-event-stream'

/** A started live client and what it has delivered so far. */
export interface RecordingLiveClient {
  stream: LiveEventStream
  events: LiveEvent[]
  states: LiveState[]
}

/**
 * Starts a LiveEventStream against `baseUrl` (no token, stream on, from the start, quick
 * backoff) that records every event and state; its close goes onto `cleanups`.
 */
export function recordingLiveClient(
  baseUrl: string,
  cleanups: (() => Promise<void> | void)[],
  options: Partial<LiveEventStreamOptions> = {}
): RecordingLiveClient {
  const events: LiveEvent[] = []
  const states: LiveState[] = []
  const stream = new LiveEventStream({
    baseUrl,
    token: null,
    hasStream: true,
    lastEventId: null,
    heartbeatTimeoutMs: 2000,
    backoff: { baseDelayMs: 10, maxDelayMs: 60 },
    onEvents: (batch) => events.push(...batch),
    onState: (state) => states.push(state),
    ...options
  })
  cleanups.push(() => stream.close())
  stream.start()
  return { stream, events, states }
}

import { LIVE_PUSH_MAX_BYTES, type LiveEvent } from '../../../shared/console/domains/live'

/** Room kept below the push budget for the envelope (`{subscriptionId, events:[…]}`, batch framing). */
const ENVELOPE_BYTES = 256

/** One onEvents payload's events, with their JSON size. */
export interface PushChunk {
  readonly events: LiveEvent[]
  readonly bytes: number
}

/**
 * Splits matching live events into onEvents payloads of at most `maxBytes` of JSON each, in order.
 * Only sizes here, no timing: the transport's EventBatcher is the one pacing stage (≤ 1 push per
 * frame). An event that alone exceeds the budget is sent with its data replaced by
 * `{_truncated, _bytes}` (`{_truncated}` when it cannot be serialized at all); the full event stays
 * in the cache (getRecentEvents).
 */
export function chunkForPush(
  events: readonly LiveEvent[],
  maxBytes = LIVE_PUSH_MAX_BYTES
): PushChunk[] {
  const chunks: PushChunk[] = []
  let current: LiveEvent[] = []
  let bytes = 0
  for (const event of events) {
    let item = event
    let size = sizeOf(event)
    if (size > maxBytes - ENVELOPE_BYTES) {
      item = {
        ...event,
        data: Number.isFinite(size) ? { _truncated: true, _bytes: size } : { _truncated: true }
      }
      size = sizeOf(item)
    }
    if (current.length > 0 && bytes + size + 1 > maxBytes - ENVELOPE_BYTES) {
      chunks.push({ events: current, bytes })
      current = []
      bytes = 0
    }
    current.push(item)
    bytes += size + 1
  }
  if (current.length > 0) chunks.push({ events: current, bytes })
  return chunks
}

function sizeOf(event: LiveEvent): number {
  try {
    return JSON.stringify(event).length
  } catch {
    return Number.POSITIVE_INFINITY // cannot be serialized: send the envelope only
  }
}

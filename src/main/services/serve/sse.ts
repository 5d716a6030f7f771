import type { ServerResponse } from 'node:http'
import type { ConsoleEventBatch } from '../../../shared/console/ipc'

/** A comment line every 15 s keeps proxies and idle timers from closing a quiet stream. */
export const SSE_HEARTBEAT_MS = 15_000

/** A client that stops reading gets cut off (EventSource reconnects) instead of growing memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/** Most bytes one paced write carries (several SSE messages of ≤ 64 KB each). */
export const SSE_WRITE_MAX_BYTES = 1024 * 1024

/** Events waiting for the next write beyond this drop oldest live events first (as a slow reader). */
export const SSE_BACKLOG_MAX_BYTES = MAX_BUFFERED_BYTES

/** One open `GET /api/events` response. */
export interface SseClient {
  /** Writes SSE frames made by {@link sseFrames}, all in one write. */
  send(frames: string): void
  close(): void
}

/**
 * A batch's events as SSE frames (`event: <name>`), made once per batch whatever the number of
 * open streams. JSON.stringify never emits a raw newline, so one `data:` line holds each payload.
 */
export function sseFrames(batch: ConsoleEventBatch): string {
  let text = ''
  for (const [name, payload] of batch)
    text += `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
  return text
}

/** Starts an SSE response: headers, a first comment so the client sees it open, and heartbeats. */
export function openSseStream(
  res: ServerResponse,
  onClose: () => void,
  heartbeatMs = SSE_HEARTBEAT_MS
): SseClient {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no'
  })
  res.write('retry: 2000\n: connected\n\n')
  let closed = false
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs)
  heartbeat.unref()

  function close(): void {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    onClose()
    res.end()
  }
  res.on('close', close)

  return {
    send(frames) {
      if (closed || frames === '') return
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        close()
        return
      }
      res.write(frames)
    },
    close
  }
}

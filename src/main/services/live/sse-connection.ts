import { EventSource, type FetchLike, type FetchLikeResponse } from 'eventsource'
import { SseRetryScanner } from './sse-retry'

/** What one SSE connection reports to its owner. */
export interface SseConnectionHandlers {
  /** The server answered 200 with text/event-stream. */
  onOpen(): void
  /** Bytes arrived (frames, partial frames or `: heartbeat` comments): the connection is alive. */
  onActivity(): void
  /**
   * One complete frame: its `event:` name (default `message`), its `data:` text, and the id its
   * own `id:` line set (undefined when it had none, so the previous frame's id is not taken for its).
   */
  onFrame(name: string, data: string, id: string | undefined): void
  /**
   * The server set its reconnection time with a `retry:` field (ms, as sent: the owner bounds it,
   * see reconnectDelay). Like the specification's, it holds for later connections too.
   */
  onRetry(ms: number): void
  /**
   * The connection is over and will not be retried by itself: `status` is the HTTP status when the
   * server answered with something other than a stream, null for network failures and ends.
   */
  onFailure(failure: { status: number | null; message: string }): void
}

export interface SseConnection {
  close(): void
}

/**
 * Most characters the parser holds for one unfinished line or frame (~2 MiB; frames above
 * MAX_FRAME_BYTES are refused anyway). Past it the connection fails and is reopened with backoff,
 * so a backend that never ends a line cannot make the console buffer without bound (the package's
 * default is 100M characters).
 */
export const SSE_MAX_BUFFER_CHARS = 2 * 1024 * 1024

/**
 * Opens one SSE connection with the `eventsource` package.
 *
 * Why this package and how: it gives a spec-exact frame parser and accepts a custom `fetch`, which
 * is how we send `Authorization` (browsers' EventSource cannot) and our own `Last-Event-ID`. It
 * only dispatches named events to listeners registered by name, and event names are open-ended
 * (`event: <event_type>`), so we take every frame at `dispatchEvent`, which it calls for each one
 * — no listener per name, nothing missed. Its own reconnect loop (fixed 3 s) is not used: the
 * owner closes on the first error and reconnects with backoff, resuming from the id it actually
 * delivered. The response body is tapped so that comments (heartbeats), which the package
 * swallows, still count as activity for the heartbeat timeout, and so that the server's `retry:`
 * field, which the package keeps to itself, reaches the owner's reconnect delay.
 */
export function openSseConnection(
  url: string,
  headers: Record<string, string>,
  handlers: SseConnectionHandlers
): SseConnection {
  let done = false
  let lastStatus: number | null = null

  const tappedFetch: FetchLike = async (input, init) => {
    const response = await fetch(input, { ...init, headers: { ...init.headers, ...headers } })
    lastStatus = response.status
    const body = response.body
    if (!body) return response as FetchLikeResponse
    const retry = new SseRetryScanner((ms) => {
      if (!done) handlers.onRetry(ms)
    })
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (!done) {
          handlers.onActivity()
          // Only a stream's fields: an error page's text is not read as `retry:` lines.
          if (response.status === 200) retry.feed(chunk)
        }
        controller.enqueue(chunk)
      }
    })
    return {
      body: body.pipeThrough(tap),
      url: response.url,
      status: response.status,
      redirected: response.redirected,
      headers: response.headers
    }
  }

  const source = new EventSource(url, { fetch: tappedFetch, maxBufferSize: SSE_MAX_BUFFER_CHARS })
  // The package hands each frame the id buffer (the last `id:` of the connection, as the spec's
  // lastEventId); a frame set an id of its own exactly when that buffer changed since the last one.
  let previousId = ''

  const finish = (failure: { status: number | null; message: string }): void => {
    if (done) return
    done = true
    source.close()
    handlers.onFailure(failure)
  }

  // Every event the package fires passes through here (see the comment above).
  source.dispatchEvent = (event: Event): boolean => {
    if (done) return true
    if (event instanceof MessageEvent) {
      const buffer = typeof event.lastEventId === 'string' ? event.lastEventId : ''
      const own = buffer !== previousId ? buffer : undefined
      previousId = buffer
      handlers.onFrame(event.type, typeof event.data === 'string' ? event.data : '', own)
    } else if (event.type === 'open') {
      handlers.onOpen()
    } else if (event.type === 'error') {
      const info = event as Event & { code?: number; message?: string }
      const status = typeof info.code === 'number' ? info.code : null
      // Our own wording for HTTP failures (the package says "Non-200 status code (502)").
      const message =
        status !== null && status !== 200
          ? `HTTP ${status}`
          : info.message || (lastStatus === 200 ? 'the stream ended' : 'connection failed')
      finish({ status: status !== null && status !== 200 ? status : null, message })
    }
    return true
  }

  return {
    close() {
      done = true
      source.close()
    }
  }
}

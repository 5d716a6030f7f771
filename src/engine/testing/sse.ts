import { request, type ClientRequest, type IncomingMessage } from 'node:http'

/** One parsed SSE frame. */
export interface SseFrame {
  id: string | null
  event: string | null
  data: string
}

/**
 * A minimal SSE reader over node:http for tests: records frames and comment lines exactly as they
 * arrive, so tests can check the wire format (ids, comments) that EventSource would hide.
 */
export class SseReader {
  /** Event frames, in order (the `stream_open` frame is kept apart, in `opens`). */
  readonly frames: SseFrame[] = []
  /** Data of every `stream_open` frame (one per connection: the log's epoch and the resume plan). */
  readonly opens: Array<Record<string, any>> = [] // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly comments: string[] = []
  status = 0
  headers: IncomingMessage['headers'] = {}
  ended = false
  /** The last `retry:` value the server sent. */
  retry: number | null = null
  private buffer = ''
  private req: ClientRequest | null = null
  private waiters: Array<() => void> = []

  /** Opens `url` with optional headers; resolves once the response headers arrived. */
  open(url: string, headers: Record<string, string> = {}): Promise<this> {
    return new Promise((resolve, reject) => {
      this.req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        this.status = res.statusCode ?? 0
        this.headers = res.headers
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => this.feed(chunk))
        res.on('end', () => {
          this.ended = true
          this.notify()
        })
        res.on('error', () => {
          this.ended = true
          this.notify()
        })
        resolve(this)
      })
      this.req.on('error', (err) => {
        this.ended = true
        this.notify()
        reject(err)
      })
      this.req.end()
    })
  }

  private feed(chunk: string): void {
    this.buffer += chunk
    let idx: number
    while ((idx = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, idx)
      this.buffer = this.buffer.slice(idx + 2)
      const frame: SseFrame = { id: null, event: null, data: '' }
      let isFrame = false
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim())
          continue
        }
        if (line.startsWith('id: ')) frame.id = line.slice(4)
        else if (line.startsWith('event: ')) frame.event = line.slice(7)
        else if (line.startsWith('data: ')) frame.data += line.slice(6)
        else if (line.startsWith('retry: ')) this.retry = Number(line.slice(7))
        else continue
        isFrame = !line.startsWith('retry: ') || isFrame
      }
      if (isFrame && frame.event === 'stream_open')
        this.opens.push(JSON.parse(frame.data) as Record<string, unknown>)
      else if (isFrame) this.frames.push(frame)
    }
    this.notify()
  }

  private notify(): void {
    const w = this.waiters
    this.waiters = []
    for (const fn of w) fn()
  }

  /** Resolves when `predicate` holds (checked on every chunk); rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`SSE: timed out waiting for ${what}; frames=${this.frames.length}`)),
        timeoutMs
      )
      const check = (): void => {
        if (predicate()) {
          clearTimeout(timer)
          resolve()
        } else if (this.ended) {
          clearTimeout(timer)
          reject(new Error(`SSE: stream ended before ${what}; frames=${this.frames.length}`))
        } else this.waiters.push(check)
      }
      this.waiters.push(check)
    })
  }

  /** Parsed data JSON of every frame. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payloads(): Array<Record<string, any>> {
    return this.frames.map((f) => JSON.parse(f.data) as Record<string, any>) // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  /** Closes the connection from the client side. */
  close(): void {
    this.req?.destroy()
  }
}

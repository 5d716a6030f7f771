/**
 * The delay before reconnecting: the server's reconnection time (`retry:`) or our backoff,
 * whichever is longer, and never longer than our backoff's cap. The specification (WHATWG HTML
 * §9.2.3) says to wait the reconnection time and "optionally, wait some more", with exponential
 * backoff after failures: the backoff is that "more", and also the floor a server cannot lower
 * (`retry: 0` does not make a console reconnect in a hot loop); the cap, the longest our own
 * backoff ever waits (30 s by default), is the ceiling a server cannot raise (a `retry:` of days
 * does not park the console).
 */
export function reconnectDelay(
  backoffMs: number,
  serverRetryMs: number | null,
  capMs: number
): number {
  if (serverRetryMs === null) return backoffMs
  return Math.max(backoffMs, Math.min(serverRetryMs, capMs))
}

const LF = 0x0a
const CR = 0x0d
const COLON = 0x3a
const SPACE = 0x20
const RETRY = [0x72, 0x65, 0x74, 0x72, 0x79] // "retry"
const BOM = [0xef, 0xbb, 0xbf]
/** Values past this are all "far too long" (the owner clamps them to its cap anyway). */
const VALUE_CAP = 1e15

type State = 'bom' | 'start' | 'name' | 'colon' | 'value' | 'skip'

/**
 * Reads the `retry:` field out of an SSE byte stream, as the specification parses it (§9.2.6):
 * lines end with CR, LF or CRLF; a leading UTF-8 BOM is dropped; the field is the line up to the
 * first colon, one space after the colon is dropped, and a value of ASCII digits only sets the
 * reconnection time (anything else is ignored). Why this exists: the `eventsource` package parses
 * the field but keeps it private, and drives a reconnect loop we do not use (sse-connection.ts).
 * It looks only at line starts and skips the rest of every other line with a native indexOf, so
 * it costs little beside the package's own parse.
 */
export class SseRetryScanner {
  private state: State = 'bom'
  private matched = 0
  private digits = 0
  private value = 0
  private afterCR = false

  constructor(private readonly onRetry: (ms: number) => void) {}

  /** Feeds the next bytes of the stream (any chunking). */
  feed(chunk: Uint8Array): void {
    // Positions of the next LF and CR in this chunk: -2 not looked for yet, -1 none left.
    let lf = -2
    let cr = -2
    let i = 0
    while (i < chunk.length) {
      const byte = chunk[i] as number
      if (this.afterCR) {
        this.afterCR = false
        if (byte === LF) {
          i++
          continue
        }
      }
      if (byte === LF || byte === CR) {
        this.endLine()
        this.afterCR = byte === CR
        i++
        continue
      }
      if (this.state === 'skip') {
        if (lf !== -1 && lf < i) lf = chunk.indexOf(LF, i)
        if (cr !== -1 && cr < i) cr = chunk.indexOf(CR, i)
        const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
        if (end === -1) return
        i = end
        continue
      }
      if (this.step(byte)) i++
    }
  }

  /** One byte of a line that may still be a `retry` field; false when it was not consumed. */
  private step(byte: number): boolean {
    switch (this.state) {
      case 'bom':
        if (byte === BOM[this.matched]) {
          if (++this.matched === BOM.length) this.reset('start')
          return true
        }
        if (this.matched > 0) {
          this.state = 'skip'
          return true
        }
        this.state = 'start' // no BOM: this byte starts the first line
        return false
      case 'start':
        this.state = byte === RETRY[0] ? 'name' : 'skip'
        this.matched = 1
        return true
      case 'name':
        if (this.matched < RETRY.length && byte === RETRY[this.matched]) this.matched++
        else this.state = this.matched === RETRY.length && byte === COLON ? 'colon' : 'skip'
        return true
      case 'colon':
        this.state = 'value'
        return byte === SPACE || this.step(byte)
      case 'value':
        if (byte >= 0x30 && byte <= 0x39) {
          this.digits++
          this.value = Math.min(VALUE_CAP, this.value * 10 + (byte - 0x30))
        } else {
          this.state = 'skip'
        }
        return true
      case 'skip':
        return true
    }
  }

  private endLine(): void {
    if (this.state === 'value' && this.digits > 0) this.onRetry(this.value)
    this.reset('start')
  }

  private reset(state: State): void {
    this.state = state
    this.matched = 0
    this.digits = 0
    this.value = 0
  }
}

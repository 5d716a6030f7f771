import type { RunOutputLine, RunStream } from '../../../shared/console/domains/runs'

/** Longest line kept; longer ones are cut (a child printing megabytes without newline must not pin memory). */
export const MAX_LINE_CHARS = 4096

/**
 * A run's output as lines: splits stdout/stderr chunks at newlines (each stream keeps its own
 * partial line), numbers every line, and keeps the newest `capacity` in a ring buffer.
 */
export class OutputBuffer {
  private readonly lines: RunOutputLine[] = []
  private start = 0
  private nextSeq = 0
  private readonly partial: Record<RunStream, string> = { stdout: '', stderr: '' }

  constructor(private readonly capacity: number) {}

  /** Lines ever captured (dropped ones included). */
  get total(): number {
    return this.nextSeq
  }

  /** Lines the ring buffer has dropped. */
  get dropped(): number {
    return this.nextSeq - this.lines.length
  }

  /** Adds a chunk of text; returns the complete lines it finished. */
  write(stream: RunStream, chunk: string): RunOutputLine[] {
    const text = this.partial[stream] + chunk
    const parts = text.split(/\r?\n/)
    const rest = parts.pop() ?? ''
    // An endless line is flushed in pieces rather than held.
    this.partial[stream] = rest.length > MAX_LINE_CHARS ? '' : rest
    if (rest.length > MAX_LINE_CHARS) parts.push(rest)
    return parts.map((line) => this.push(stream, line))
  }

  /** Flushes partial lines (at exit). */
  end(): RunOutputLine[] {
    const out: RunOutputLine[] = []
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') out.push(this.push(stream, this.partial[stream]))
      this.partial[stream] = ''
    }
    return out
  }

  /** Adds one line the runner itself writes (e.g. "exited with code 1"). */
  note(stream: RunStream, text: string): RunOutputLine {
    return this.push(stream, text)
  }

  /** Kept lines, oldest first; only those with seq > afterSeq when given. */
  read(afterSeq = -1): RunOutputLine[] {
    const ordered =
      this.lines.length < this.capacity
        ? this.lines
        : [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)]
    return afterSeq < 0 ? [...ordered] : ordered.filter((line) => line.seq > afterSeq)
  }

  private push(stream: RunStream, raw: string): RunOutputLine {
    const text = raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)}…` : raw
    const line: RunOutputLine = { seq: this.nextSeq++, stream, text, at: new Date().toISOString() }
    if (this.lines.length < this.capacity) {
      this.lines.push(line)
    } else {
      this.lines[this.start] = line
      this.start = (this.start + 1) % this.capacity
    }
    return line
  }
}

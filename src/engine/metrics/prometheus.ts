/** Builds Prometheus text exposition (format 0.0.4) line by line. */
export class PromText {
  private readonly lines: string[] = []

  /** Declares a metric family. */
  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    return this
  }

  /** Adds one sample. */
  sample(name: string, value: number, labels: Record<string, string | number> = {}): this {
    const keys = Object.keys(labels)
    const l = keys.length ? `{${keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(',')}}` : ''
    this.lines.push(`${name}${l} ${Number.isFinite(value) ? value : 0}`)
    return this
  }

  /** Adds a histogram's cumulative buckets, sum and count. */
  histogram(
    name: string,
    bounds: readonly number[],
    cumulative: readonly number[],
    count: number,
    sum: number,
    labels: Record<string, string> = {}
  ): this {
    bounds.forEach((b, i) => this.sample(`${name}_bucket`, cumulative[i] ?? 0, { ...labels, le: b }))
    this.sample(`${name}_bucket`, count, { ...labels, le: '+Inf' })
    this.sample(`${name}_sum`, sum, labels)
    this.sample(`${name}_count`, count, labels)
    return this
  }

  toString(): string {
    return this.lines.join('\n') + '\n'
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

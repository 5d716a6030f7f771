import type { PromText } from '../metrics/prometheus'

/**
 * One metric family of a module: name, type, help and its value now — one number, or one per
 * `outcome` label.
 */
export type MetricRow = [
  name: string,
  type: Parameters<PromText['family']>[1],
  help: string,
  value: number | Readonly<Record<string, number>>
]

/** Appends `rows` to a scrape, in their order. */
export function writeMetrics(p: PromText, rows: readonly MetricRow[]): void {
  for (const [name, type, help, value] of rows) {
    p.family(name, type, help)
    if (typeof value === 'number') p.sample(name, value)
    else for (const [outcome, n] of Object.entries(value)) p.sample(name, n, { outcome })
  }
}

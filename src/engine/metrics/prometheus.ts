import { collectDefaultMetrics, Registry, type Metric } from 'prom-client'

type FamilyType = 'counter' | 'gauge' | 'histogram'
type Labels = Record<string, string | number>

/** One family as prom-client's registry reads a metric: name, help, type and the scrape's samples. */
interface Family {
  name: string
  help: string
  type: FamilyType
  aggregator: 'sum'
  values: Array<{ value: number; labels: Labels; metricName?: string }>
  get(): Family
}

let processRegistry: Registry | null = null

/**
 * prom-client's default metrics (`process_*`: CPU, resident memory, open fds, heap; `nodejs_*`:
 * event-loop lag, GC, active handles), which operators expect at every `/metrics`. They describe
 * the process, not one engine, so one registry serves every engine in it (tests run several).
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/**
 * The families of one `/metrics` scrape, read from the engine's counters and stored ledgers at
 * scrape time, and rendered in the Prometheus text format (0.0.4) by prom-client together with
 * {@link processMetrics}. Samples belong to the family declared last (histogram parts carry
 * their `_bucket`/`_sum`/`_count` name).
 */
export class PromText {
  private readonly families = new Map<string, Family>()
  private current: Family | null = null

  /** Declares a metric family; its samples follow. */
  family(name: string, type: FamilyType, help: string): this {
    if (this.families.has(name)) throw new Error(`metric family ${name} declared twice`)
    const family: Family = { name, help, type, aggregator: 'sum', values: [], get: () => family }
    this.families.set(name, family)
    this.current = family
    return this
  }

  /** Adds one sample (a value that is not finite reads as 0, so a scrape never fails to parse). */
  sample(name: string, value: number, labels: Labels = {}): this {
    const family = this.current
    if (!family || (name !== family.name && !name.startsWith(`${family.name}_`))) {
      throw new Error(`sample ${name} outside its family`)
    }
    const v = Number.isFinite(value) ? value : 0
    family.values.push(
      name === family.name ? { value: v, labels } : { value: v, labels, metricName: name }
    )
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
    bounds.forEach((b, i) =>
      this.sample(`${name}_bucket`, cumulative[i] ?? 0, { ...labels, le: b })
    )
    this.sample(`${name}_bucket`, count, { ...labels, le: '+Inf' })
    this.sample(`${name}_sum`, sum, labels)
    this.sample(`${name}_count`, count, labels)
    return this
  }

  /**
   * The exposition text of these families and the process metrics. A family named like a process
   * metric is refused (the registry throws) rather than exposed twice. Process samples without a
   * value yet (event-loop lag before the first measurement is NaN, which prom-client would write
   * as `Nan`, not a number Prometheus parses) are left out until they have one.
   */
  async render(): Promise<string> {
    const scrape = new Registry()
    // prom-client reads any object with name, help, type and get(); its Metric classes are for
    // values kept in memory, these are computed per scrape.
    const register = (family: object): void => scrape.registerMetric(family as Metric)
    for (const family of this.families.values()) register(family)
    for (const metric of await processMetrics().getMetricsAsJSON()) {
      const values = metric.values.filter((v) => Number.isFinite(v.value))
      register({ ...metric, values, get: () => ({ ...metric, values }) })
    }
    return scrape.metrics()
  }
}

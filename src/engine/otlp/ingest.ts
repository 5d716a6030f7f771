import type { Clock } from '../clock'
import type { PromText } from '../metrics/prometheus'
import type { EngineServices } from '../services'
import { MapperLoop } from './ingest-loop'
import { IngestMapper, type MapperOptions } from './ingest-mapper'
import { DEFAULT_PRICES, PriceTable, type ModelPrice } from './ingest-prices'
import { writeMetrics } from './metrics-table'

export { OTLP_INGEST_MIGRATIONS } from './ingest-migration'

/** Feature names the module lists in GET /capabilities. */
export const OTLP_INGEST_FEATURES = ['otlp_ingest'] as const

/** Options of the OTLP ingest module (all optional; `startEngine({ otlp })`). */
export interface OtlpIngestOptions extends MapperOptions {
  /** Prices added to (and overriding) the shipped defaults. */
  prices: readonly ModelPrice[]
  /** Exports decoded at once; more get 429 with Retry-After. Default 8. */
  maxConcurrentExports: number
  /**
   * Spans stored but not mapped yet past which an export is refused with 429 + Retry-After (the
   * exporter retries later) instead of the backlog growing without limit. Default 100,000.
   */
  maxBacklogSpans: number
  /** A second listener serving only `POST /v1/traces` (the OTLP default is 4318). Off by default. */
  port: number | null
}

/** The shipped defaults of {@link OtlpIngestOptions}. */
export const DEFAULT_OTLP_INGEST: OtlpIngestOptions = {
  captureContent: false,
  pendingTimeoutMs: 60_000,
  maxSpansPerTrace: 10_000,
  unmappedRetentionMs: 10 * 60_000,
  prices: [],
  maxConcurrentExports: 8,
  maxBacklogSpans: 100_000,
  port: null
}

/** The OTLP ingest module's handle. */
export interface OtlpIngest {
  options: OtlpIngestOptions
  mapper: IngestMapper
  /** Maps what the receiver stored, behind its answers. */
  loop: MapperLoop
  /**
   * Resolves once every span received so far is mapped (or pending its parent) and committed:
   * what a caller awaits before reading the entities an export became.
   */
  drained(): Promise<void>
  prices: PriceTable
  /** The engine's store (the read routes query the module's tables). */
  store: EngineServices['store']
  metrics: (p: PromText) => void
  close(): void
}

/** Builds OTLP ingest over the engine's services; its tables must be migrated first. */
export function createOtlpIngest(
  s: EngineServices,
  clock: Clock,
  log: (entry: Record<string, unknown>) => void,
  partial: Partial<OtlpIngestOptions> = {}
): OtlpIngest {
  const options = { ...DEFAULT_OTLP_INGEST, ...partial }
  const prices = new PriceTable([...DEFAULT_PRICES, ...options.prices])
  const mapper = new IngestMapper(s, clock, prices, options, log)
  const loop = new MapperLoop(mapper, s.store, (err) =>
    log({
      time: new Date(clock.now()).toISOString(),
      level: 'error',
      msg: 'otlp: mapping failed',
      error: err instanceof Error ? err.message : String(err)
    })
  )
  // A backlog left by the last run (stored, not mapped) is resumed at once.
  if (mapper.backlog > 0) loop.kick()
  // Orphans and stale non-GenAI traces are swept on a timer, a fraction of the timeout apart.
  const every = Math.max(250, Math.min(5000, Math.floor(options.pendingTimeoutMs / 4)))
  const timer = setInterval(() => {
    if (!s.store.db.open) return
    try {
      if (mapper.backlog > 0) loop.kick()
      mapper.sweep()
    } catch (err) {
      log({
        time: new Date(clock.now()).toISOString(),
        level: 'error',
        msg: 'otlp: sweep failed',
        error: err instanceof Error ? err.message : String(err)
      })
    }
  }, every)
  timer.unref()
  return {
    options,
    mapper,
    loop,
    drained: () => loop.drained(),
    prices,
    store: s.store,
    metrics(p) {
      const c = mapper.counters
      writeMetrics(p, [
        [
          'controldeck_otlp_spans_total',
          'counter',
          'OTLP spans received, by outcome',
          { accepted: c.received, duplicate: c.duplicates, rejected: c.rejected }
        ],
        [
          'controldeck_otlp_orphans_total',
          'counter',
          'Spans mapped without their parent after the pending timeout',
          c.orphans
        ],
        [
          'controldeck_otlp_pending_spans',
          'gauge',
          'GenAI spans waiting for their parent span',
          mapper.pendingCount()
        ],
        [
          'controldeck_otlp_backlog_spans',
          'gauge',
          'Spans stored and not mapped yet (past maxBacklogSpans exports get 429)',
          mapper.backlog
        ]
      ])
    },
    close() {
      clearInterval(timer)
      loop.close()
    }
  }
}

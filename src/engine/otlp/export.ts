import { createNoopMeter, type Attributes, type MeterProvider } from '@opentelemetry/api'
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources'
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter
} from '@opentelemetry/sdk-trace-base'
import { isTerminalState, type LifecycleEntityType } from '../../shared/neurorail'
import type { PromText } from '../metrics/prometheus'
import type { EngineServices } from '../services'
import { ENGINE_VERSION } from '../version'
import { redactUrl, type OtlpExportConfig } from './export-config'
import { putAttribute, spanIdOf, toReadableSpan, traceIdOf, type SpanInput } from './export-spans'
import { writeMetrics } from './metrics-table'

/** What `GET /otlp/export` and `/metrics` say about the export. */
export interface OtlpExportStatus {
  enabled: boolean
  /** Why it is off when it was configured but refused (a bad URL or header). */
  reason: string | null
  endpoint: string | null
  protocol: string | null
  /** Spans waiting in the batch processor's queue. */
  queued: number
  exported_spans: number
  failed_spans: number
  /** Spans the full queue turned away, plus notes (decisions, violations) evicted before their span. */
  dropped_spans: number
  dropped_notes: number
  last_error: string | null
}

// Notes (transitions, decisions, violations) wait for their entity's span; bounded so an entity
// that never ends cannot grow them without limit.
const MAX_NOTED_ENTITIES = 10_000
const MAX_NOTES_PER_ENTITY = 64
const MAX_MISSIONS_CACHED = 10_000
// Events read from the log per query, and at most per drain: a burst is read over several turns
// of the event loop, so the export never holds it for long.
const READ_CHUNK = 500
const MAX_EVENTS_PER_DRAIN = 2000

type Note = SpanInput['events'][number] & { violation?: string }

/**
 * The engine's own trace chain as OTLP. It tails the durable event log (so the request path does
 * nothing but wake it), turns every mission, job and attempt that reaches a final state into a
 * span (transitions, governor decisions and budget violations as span events, violations also as
 * attributes), and hands it to the SDK's `BatchSpanProcessor`, whose bounded queue batches the
 * exports. A slow or absent collector never slows the engine: what the full queue turns away is
 * dropped and counted (`/metrics`, `GET /otlp/export`), as any OTel SDK does.
 */
export class OtlpExport {
  private readonly processor: BatchSpanProcessor
  private readonly resource: Resource
  private readonly scope = { name: 'controldeck-engine', version: ENGINE_VERSION }
  private readonly notes = new Map<string, Note[]>()
  private readonly missions = new Map<string, string>()
  private cursor: number
  private timer: NodeJS.Timeout | null = null
  private wakeTimer: NodeJS.Timeout | null = null
  private closed = false
  private queueSize: () => number = () => 0
  private exported = 0
  private failed = 0
  private droppedSpans = 0
  private droppedNotes = 0
  private lastError: string | null = null
  /** Entities that ended in the events being read; their spans are built once the read is done. */
  private ended: Array<Parameters<OtlpExport['emit']>> = []

  constructor(
    private readonly s: EngineServices,
    private readonly config: OtlpExportConfig,
    exporter?: SpanExporter
  ) {
    const inner =
      exporter ??
      (config.protocol === 'http/json'
        ? new JsonExporter({
            url: config.url,
            headers: config.headers,
            timeoutMillis: config.exportTimeoutMs
          })
        : new ProtoExporter({
            url: config.url,
            headers: config.headers,
            timeoutMillis: config.exportTimeoutMs
          }))
    this.resource = resourceFromAttributes({
      'service.name': config.serviceName,
      'service.version': ENGINE_VERSION
    })
    // `selfObsMeterProvider` is the SDK processor's own option; the -base shim passes it through
    // but does not declare it, hence a variable rather than a literal.
    const processorConfig = {
      maxQueueSize: config.maxQueueSize,
      maxExportBatchSize: config.maxExportBatchSize,
      scheduledDelayMillis: config.scheduledDelayMs,
      exportTimeoutMillis: config.exportTimeoutMs,
      selfObsMeterProvider: this.selfObservation()
    }
    this.processor = new BatchSpanProcessor(this.counting(inner), processorConfig)
    // Only what is committed from now on: a restart does not re-send the past.
    this.cursor = s.events.lastId()
  }

  /** Starts the periodic read (decisions and violations wake nothing else). */
  start(): void {
    this.timer = setInterval(() => this.drain(), this.config.pollMs)
    this.timer.unref()
  }

  /** Asks for a read soon; what the commit path calls, so it costs one timer at most. */
  wake(): void {
    if (this.wakeTimer || this.closed) return
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null
      this.drain()
    }, 20)
    this.wakeTimer.unref()
  }

  /** Reads up to {@link MAX_EVENTS_PER_DRAIN} new events and queues their spans; wakes again for more. */
  drain(limit = MAX_EVENTS_PER_DRAIN): void {
    if (this.closed) return
    let left = limit
    try {
      while (left > 0) {
        const asked = Math.min(READ_CHUNK, left)
        const batch = this.s.events.readAfter(this.cursor, asked)
        for (const ev of batch) {
          this.cursor = ev.id
          this.read(ev.channel, ev.event_type, ev.payload)
        }
        // Fewer than asked: the log's end.
        if (batch.length < asked) return
        left -= batch.length
      }
      this.wake()
    } finally {
      // A violation a guard records in the same commit as the attempt's end is logged after the
      // transition: spans are built once everything read so far is noted.
      const ended = this.ended
      this.ended = []
      for (const args of ended) this.emit(...args)
    }
  }

  /** Reads everything committed and waits until the queue is sent (tests, shutdown). */
  async flush(): Promise<void> {
    this.drain(Number.MAX_SAFE_INTEGER)
    await this.processor.forceFlush()
  }

  status(): OtlpExportStatus {
    return {
      enabled: true,
      reason: null,
      endpoint: redactUrl(this.config.url),
      protocol: this.config.protocol,
      queued: this.queueSize(),
      exported_spans: this.exported,
      failed_spans: this.failed,
      dropped_spans: this.droppedSpans,
      dropped_notes: this.droppedNotes,
      last_error: this.lastError
    }
  }

  /** Stops reading (before the store closes) and sends what is queued, in the background. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.drain(Number.MAX_SAFE_INTEGER)
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    if (this.wakeTimer) clearTimeout(this.wakeTimer)
    return this.processor.shutdown().catch(() => undefined)
  }

  private read(channel: string, eventType: string, payload: string): void {
    // Picked by channel and type before any parse: most of the log (audit rows, telemetry, …)
    // makes no span, and its payloads are the big ones.
    const handle =
      channel === 'lifecycle' && eventType === 'state_transition'
        ? this.transition
        : channel === 'governor' && eventType === 'mode_decided'
          ? this.decision
          : channel === 'enforcement' && eventType === 'budget_violation'
            ? this.violation
            : null
    if (!handle) return
    let data: Record<string, unknown>
    try {
      const frame = JSON.parse(payload) as { data?: Record<string, unknown>; timestamp?: number }
      data = frame.data ?? {}
      if (typeof frame.timestamp === 'number') data = { ...data, __ts: frame.timestamp * 1000 }
    } catch {
      return
    }
    handle.call(this, data)
  }

  private transition(d: Record<string, unknown>): void {
    const type = d.entity_type as LifecycleEntityType
    const id = str(d.entity_id)
    const to = str(d.to_state)
    if (!id || !to || (type !== 'mission' && type !== 'job' && type !== 'attempt')) return
    const timeMs = Date.parse(str(d.timestamp) ?? '') || (d.__ts as number)
    const attrs: Attributes = {
      'controldeck.from_state': str(d.from_state) ?? '',
      'controldeck.to_state': to
    }
    putAttribute(attrs, 'controldeck.transition', d.transition)
    this.note(id, { name: 'state_transition', timeMs, attributes: attrs })
    // A job left in failed_mechanical is final unless retried; a retry re-sends the same span id.
    if (isTerminalState(type, to) || (type === 'job' && to === 'failed_mechanical'))
      this.ended.push([type, id, to, timeMs, d])
  }

  private decision(d: Record<string, unknown>): void {
    const on = str(d.job_id) ?? str(d.mission_id)
    if (!on) return
    const attrs: Attributes = {}
    for (const k of ['decision_id', 'mode', 'reason', 'job_type', 'shadow_mode'])
      putAttribute(attrs, `governor.${k}`, d[k])
    if (Array.isArray(d.matched_rules))
      attrs['governor.matched_rules'] = d.matched_rules
        .filter((r) => typeof r === 'string')
        .slice(0, 32)
    this.note(on, {
      name: 'governor.decision',
      timeMs: Date.parse(str(d.timestamp) ?? '') || (d.__ts as number),
      attributes: attrs
    })
  }

  private violation(d: Record<string, unknown>): void {
    const on = str(d.attempt_id) ?? str(d.job_id) ?? str(d.mission_id)
    if (!on) return
    const attrs: Attributes = {}
    for (const k of [
      'violation_id',
      'violation_type',
      'code',
      'severity',
      'message',
      'action_taken'
    ])
      putAttribute(attrs, `budget.${k}`, d[k])
    this.note(on, {
      name: 'budget.violation',
      timeMs: d.__ts as number,
      attributes: attrs,
      violation: str(d.violation_type) ?? 'unknown'
    })
  }

  private note(entityId: string, n: Note): void {
    let list = this.notes.get(entityId)
    if (!list) {
      if (this.notes.size >= MAX_NOTED_ENTITIES) {
        const oldest = this.notes.keys().next().value as string
        this.droppedNotes += this.notes.get(oldest)?.length ?? 0
        this.notes.delete(oldest)
      }
      list = []
      this.notes.set(entityId, list)
    }
    if (list.length >= MAX_NOTES_PER_ENTITY) this.droppedNotes++
    else list.push(n)
  }

  private emit(
    type: LifecycleEntityType,
    id: string,
    state: string,
    endMs: number,
    d: Record<string, unknown>
  ): void {
    const record = this.s.identity.get(type, id) as Record<string, unknown> | null
    const missionId = str(d.mission_id)
    if (!record || !missionId) return
    const notes = this.notes.get(id) ?? []
    this.notes.delete(id)
    const attrs: Attributes = {
      'controldeck.entity_type': type,
      'controldeck.entity_id': id,
      'controldeck.state': state
    }
    putAttribute(attrs, 'controldeck.mission_id', missionId)
    putAttribute(attrs, 'controldeck.plan_id', d.plan_id)
    putAttribute(attrs, 'controldeck.job_id', d.job_id)
    putAttribute(attrs, 'controldeck.job_type', record.job_type)
    putAttribute(attrs, 'controldeck.attempt_number', record.attempt_number)
    const bag = type === 'mission' ? record.tags : record.metadata
    // The GenAI attributes first: the attribute cap must not crowd them out.
    if (bag && typeof bag === 'object')
      genAiAttributes(type, str(record.job_type) ?? '', bag as Record<string, unknown>, attrs)
    // The job's budget (the SDK keeps it in `metadata.budget`), field by field.
    const budget =
      type === 'job' && bag && typeof bag === 'object'
        ? (bag as Record<string, unknown>).budget
        : undefined
    if (budget && typeof budget === 'object') {
      for (const [k, v] of Object.entries(budget as Record<string, unknown>))
        putAttribute(attrs, `controldeck.budget.${k}`, v)
    }
    if (bag && typeof bag === 'object') {
      // GenAI attributes an ingested or SDK-reported entity carries keep their own names.
      for (const [k, v] of Object.entries(bag as Record<string, unknown>)) {
        if (k === 'gen_ai.operation.name' && type !== 'job') continue
        putAttribute(
          attrs,
          k.startsWith('gen_ai.')
            ? k
            : `controldeck.${type === 'mission' ? 'tag' : 'metadata'}.${k}`,
          v
        )
      }
    }
    try {
      const m = this.s.telemetry.metrics(id) as unknown as Record<string, unknown>
      putAttribute(attrs, 'controldeck.llm_tokens', m.llm_tokens_consumed)
      putAttribute(attrs, 'controldeck.cost_credits', m.cost_credits)
    } catch {
      // No telemetry row: nothing to add.
    }
    const violations = notes.filter((n) => n.violation).map((n) => n.violation as string)
    if (violations.length > 0) {
      attrs['controldeck.budget.violations'] = violations.length
      attrs['controldeck.budget.violation_types'] = [...new Set(violations)]
    }
    const meta = d.metadata as Record<string, unknown> | undefined
    const errorMessage = str(meta?.error) ?? str(meta?.reason) ?? str(meta?.error_message) ?? null
    const traceId = this.traceOf(missionId)
    const parent = type === 'attempt' ? str(d.job_id) : type === 'job' ? missionId : null
    const span: ReadableSpan = toReadableSpan(
      {
        name: type === 'mission' ? 'mission' : `${type} ${str(record.job_type) ?? ''}`.trim(),
        traceId,
        spanId: spanIdOf(id),
        parentSpanId: parent ? spanIdOf(parent) : null,
        startMs: Date.parse(str(record.created_at) ?? '') || endMs,
        endMs,
        state,
        errorMessage,
        attributes: attrs,
        events: notes.map(({ name, timeMs, attributes }) => ({ name, timeMs, attributes }))
      },
      this.resource,
      this.scope
    )
    this.processor.onEnd(span as never)
  }

  private traceOf(missionId: string): string {
    let id = this.missions.get(missionId)
    if (id) return id
    const m = this.s.identity.get('mission', missionId) as { tags?: Record<string, string> } | null
    id = traceIdOf(missionId, m?.tags)
    if (this.missions.size >= MAX_MISSIONS_CACHED)
      this.missions.delete(this.missions.keys().next().value as string)
    this.missions.set(missionId, id)
    return id
  }

  private counting(inner: SpanExporter): SpanExporter {
    return {
      export: (spans, done) =>
        inner.export(spans, (result) => {
          if (result.code === 0) this.exported += spans.length
          else {
            this.failed += spans.length
            this.lastError = (result.error?.message ?? 'export failed').slice(0, 300)
          }
          done(result)
        }),
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush?.() ?? Promise.resolve()
    }
  }

  /**
   * The processor reports its queue and its drops through OTel's self-observability metrics; a
   * meter that keeps just those two is how they reach `/metrics` without reading its privates.
   */
  private selfObservation(): MeterProvider {
    const noop = createNoopMeter()
    const meter = Object.assign(Object.create(noop) as typeof noop, {
      createCounter: () => ({
        add: (n: number, attrs?: Attributes) => {
          if (attrs?.['error.type'] === 'queue_full') this.droppedSpans += n
        }
      }),
      createObservableUpDownCounter: () => ({
        addCallback: (cb: (r: { observe: (v: number) => void }) => void) => {
          this.queueSize = () => {
            let size = 0
            cb({ observe: (v) => (size = v) })
            return size
          }
        },
        removeCallback: () => undefined
      })
    })
    return { getMeter: () => meter } as unknown as MeterProvider
  }
}

/**
 * The GenAI semantic-convention attributes of an entity, from what ingest (docs/otel.md) or an
 * agent recorded in its metadata or tags, so a GenAI-aware backend reads our spans as it reads an
 * instrumented agent's. Only a job names its operation: its attempts would otherwise be read as
 * calls of their own.
 */
function genAiAttributes(
  type: LifecycleEntityType,
  jobType: string,
  bag: Record<string, unknown>,
  attrs: Attributes
): void {
  const operation =
    str(bag.otel_operation) ?? (jobType.startsWith('execute_tool:') ? 'execute_tool' : undefined)
  if (type === 'job' && operation) putAttribute(attrs, 'gen_ai.operation.name', operation)
  putAttribute(attrs, 'gen_ai.request.model', bag.request_model ?? bag.model)
  putAttribute(attrs, 'gen_ai.response.model', bag.model)
  putAttribute(attrs, 'gen_ai.provider.name', bag.provider)
  putAttribute(
    attrs,
    'gen_ai.tool.name',
    bag.tool_name ?? (jobType.startsWith('execute_tool:') ? jobType.slice(13) : undefined)
  )
  putAttribute(attrs, 'gen_ai.agent.name', bag.agent_name)
  putAttribute(attrs, 'gen_ai.conversation.id', bag.conversation_id)
  if (type !== 'mission') {
    putAttribute(attrs, 'gen_ai.usage.input_tokens', bag.input_tokens)
    putAttribute(attrs, 'gen_ai.usage.output_tokens', bag.output_tokens)
  }
  putAttribute(attrs, 'error.type', bag.error_type)
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Appends the export's counters to `/metrics`. */
export function exportMetrics(status: () => OtlpExportStatus): (p: PromText) => void {
  return (p) => {
    const st = status()
    writeMetrics(p, [
      [
        'controldeck_otlp_export_enabled',
        'gauge',
        'Whether the OTLP trace export runs (1) or not (0)',
        st.enabled ? 1 : 0
      ],
      [
        'controldeck_otlp_export_queue_spans',
        'gauge',
        'Spans waiting in the OTLP export queue',
        st.queued
      ],
      [
        'controldeck_otlp_export_spans_total',
        'counter',
        'Spans handed to the collector, by outcome',
        { exported: st.exported_spans, failed: st.failed_spans, dropped: st.dropped_spans }
      ],
      [
        'controldeck_otlp_export_dropped_notes_total',
        'counter',
        'Span events dropped before their span ended',
        st.dropped_notes
      ]
    ])
  }
}

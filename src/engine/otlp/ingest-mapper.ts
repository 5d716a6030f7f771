import { isDomainError } from '../errors'
import type { EngineServices } from '../services'
import type { Clock } from '../clock'
import { genAiFacts, keptAttributes, operationOf, roleOf, type SpanRole } from './ingest-genai'
import type { PriceTable } from './ingest-prices'
import type { IngestSpan } from './ingest-proto'

/** Who the engine's trail names as the writer of ingested entities. */
export const OTLP_ACTOR = 'otlp-ingest'

/** Tuning of the mapper. */
export interface MapperOptions {
  /** Store message contents (`gen_ai.input.messages` …). Default false. */
  captureContent: boolean
  /** A span whose parent has not arrived after this long is mapped as an orphan. Default 60 s. */
  pendingTimeoutMs: number
  /** Most spans kept per trace; more are rejected (partial success). Default 10,000. */
  maxSpansPerTrace: number
  /** Spans of traces that never showed a GenAI span are dropped after this long. Default 10 min. */
  unmappedRetentionMs: number
}

/** The outcome of one export, for the OTLP answer and the counters. */
export interface IngestResult {
  accepted: number
  duplicates: number
  rejected: number
  reasons: string[]
}

interface SpanRow {
  trace_id: string
  agent_name: string | null
  conversation_id: string | null
  service_name: string | null
  span_id: string
  parent_span_id: string | null
  name: string
  op: string | null
  role: SpanRole
  start_ms: number
  end_ms: number
  status_code: number
  status_message: string
  entity_id: string | null
}

interface TraceRow {
  trace_id: string
  mission_id: string | null
  default_plan_id: string | null
  span_count: number
  /** JSON {@link TagSources}; null on a trace stored before the column existed. */
  tag_sources: string | null
}

/** A mission tag's source: the earliest-starting span naming it, `[start_ms, span_id, value]`. */
type TagSource = [number, string, string]
/** The source of each mission tag (`agentPlan`: the earliest agent span naming an agent). */
type TagSources = Partial<Record<'agentPlan' | 'agent' | 'conversation' | 'service', TagSource>>

/** Every column of a span but its attributes (the bulk of a row, read when it is mapped). */
const SPAN_COLUMNS = `trace_id, agent_name, conversation_id, service_name, span_id, parent_span_id,
  name, op, role, start_ms, end_ms, status_code, status_message, entity_id`

/** Spans read per query while settling: about what one slice maps. */
const PAGE = 32

/**
 * The next page of a trace's spans of one role to map, in start order after a keyset position
 * (`otlp_spans_todo`: mapped spans and spans waiting for another are not in it).
 */
const READY_SQL = `SELECT ${SPAN_COLUMNS} FROM otlp_spans INDEXED BY otlp_spans_todo
  WHERE trace_id = ? AND role = ? AND entity_id IS NULL AND role != 'other' AND waiting_for IS NULL
    AND (start_ms, span_id) > (?, ?)
  ORDER BY start_ms, span_id LIMIT ${PAGE}`

/** The job spans of a trace waiting for another span (`otlp_spans_waiting`). */
const WAITING_SQL = `SELECT ${SPAN_COLUMNS} FROM otlp_spans INDEXED BY otlp_spans_waiting
  WHERE trace_id = ? AND waiting_for IS NOT NULL AND entity_id IS NULL AND role = 'job'
  ORDER BY start_ms, span_id`

/** Traces whose resolved chain ends are remembered between settles (the most recent ones). */
const REMEMBERED_TRACES = 16

/** Longest one orphan sweep holds the event loop. */
const SWEEP_SLICE_MS = 50

/** Longest JSON of a span's attributes kept in an entity's metadata (the full set is in otlp_spans). */
const MAX_METADATA_ATTR_CHARS = 8192

/**
 * Maps GenAI spans onto missions, plans, jobs and attempts (docs/otel.md has the table). Every
 * decision is made from what is stored, never from arrival order: the receiver stores spans
 * ({@link IngestMapper.ingest}: keyed by trace and span id, so a retry is a no-op) and marks their
 * traces; the mapper loop later settles each marked trace ({@link IngestMapper.mapBatch}) — its
 * mission, then its agent spans (plans), then every job span whose parent chain is complete. A
 * span whose chain is not complete yet stays pending until its parent arrives (or the orphan
 * timeout).
 */
export class IngestMapper {
  readonly counters = { received: 0, duplicates: 0, rejected: 0, orphans: 0, mapFailures: 0 }

  /** Job spans released from waiting so far (a settle goes on while it releases some). */
  private releasedSpans = 0

  /** Per trace (the most recent few), span id → where its chain ends, for ends that are final. */
  private readonly resolvedChains = new Map<string, Map<string, ResolvedEnd>>()

  /**
   * Spans stored but not yet mapped (the sum of the traces' `dirty_spans`): the backlog the
   * receiver bounds with 429. Kept in memory, seeded from the table (a restart resumes it).
   */
  backlog: number

  constructor(
    private readonly s: EngineServices,
    private readonly clock: Clock,
    private readonly prices: PriceTable,
    private readonly options: MapperOptions,
    private readonly log: (entry: Record<string, unknown>) => void
  ) {
    this.backlog = (
      s.store
        .prepare('SELECT COALESCE(SUM(dirty_spans), 0) AS n FROM otlp_traces WHERE dirty_spans > 0')
        .get() as { n: number }
    ).n
  }

  /**
   * Stores the spans of one export in one unit and marks their traces for the mapper; maps
   * nothing (that is {@link mapBatch}'s job, behind the answer). Synchronous: the writes join the
   * current batch, which the HTTP layer waits for before it answers.
   */
  ingest(spans: readonly IngestSpan[]): IngestResult {
    const result: IngestResult = { accepted: 0, duplicates: 0, rejected: 0, reasons: [] }
    const byTrace = new Map<string, IngestSpan[]>()
    for (const sp of spans) {
      const list = byTrace.get(sp.traceId)
      if (list) list.push(sp)
      else byTrace.set(sp.traceId, [sp])
    }
    this.s.store.transaction(() => {
      for (const [traceId, list] of byTrace) this.store(traceId, list, result)
    })
    this.backlog += result.accepted
    this.counters.received += result.accepted
    this.counters.duplicates += result.duplicates
    this.counters.rejected += result.rejected
    return result
  }

  /**
   * Maps the oldest marked traces, at least one entity and then more while `performance.now()` is
   * before `deadline` (at most 64 traces), and unmarks the traces it finished. Returns the spans it took off the backlog (0:
   * nothing to do). Every unit joins the store's open batch, so a call commits once, at the end
   * of the event-loop turn.
   */
  mapBatch(deadline: number): number {
    const db = this.s.store
    const traces = db
      .prepare(
        'SELECT trace_id, dirty_spans FROM otlp_traces WHERE dirty_spans > 0 ORDER BY first_ms LIMIT 64'
      )
      .all() as Array<{ trace_id: string; dirty_spans: number }>
    if (traces.length === 0) {
      this.backlog = 0
      return 0
    }
    let spans = 0
    for (const t of traces) {
      // Out of time inside a big trace: it stays marked, and the next call goes on with it.
      if (!this.settle(t.trace_id, false, deadline)) break
      // Unmarked whatever the outcome: a unit that failed is logged and counted, and retried by
      // the orphan sweep, not in a loop here.
      db.transaction(() =>
        db
          .prepare('UPDATE otlp_traces SET dirty_spans = dirty_spans - ? WHERE trace_id = ?')
          .run(t.dirty_spans, t.trace_id)
      )
      spans += t.dirty_spans
      if (performance.now() >= deadline) break
    }
    this.backlog = Math.max(0, this.backlog - spans)
    return spans
  }

  private store(traceId: string, list: IngestSpan[], result: IngestResult): void {
    const db = this.s.store
    const now = this.clock.now()
    db.prepare(
      `INSERT OR IGNORE INTO otlp_traces (trace_id, first_ms, tag_sources) VALUES (?, ?, '{}')`
    ).run(traceId, now)
    const trace = db
      .prepare('SELECT span_count, tag_sources FROM otlp_traces WHERE trace_id = ?')
      .get(traceId) as { span_count: number; tag_sources: string | null }
    // A trace from before tag_sources existed gets them from all its spans when next settled.
    const sources =
      trace.tag_sources === null ? null : (JSON.parse(trace.tag_sources) as TagSources)
    let tagsChanged = false
    let count = trace.span_count
    const insert = db.prepare(
      `INSERT OR IGNORE INTO otlp_spans (trace_id, span_id, parent_span_id, name, op, role, start_ms, end_ms,
         status_code, status_message, agent_name, conversation_id, service_name, attributes, received_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    for (const sp of list) {
      if (count >= this.options.maxSpansPerTrace) {
        result.rejected++
        if (result.reasons.length < 3)
          result.reasons.push(
            `trace ${traceId} is over its cap of ${this.options.maxSpansPerTrace} spans`
          )
        continue
      }
      const op = operationOf(sp)
      const facts = genAiFacts(sp)
      const attrs = keptAttributes(sp, this.options.captureContent)
      const service =
        typeof sp.resource['service.name'] === 'string'
          ? (sp.resource['service.name'] as string).slice(0, 256)
          : null
      const stored = JSON.stringify({ attributes: attrs, resource: sp.resource, scope: sp.scope })
      const r = insert.run(
        traceId,
        sp.spanId,
        sp.parentSpanId,
        sp.name,
        op,
        roleOf(op),
        sp.startMs,
        sp.endMs,
        sp.status.code,
        sp.status.message,
        facts.agentName,
        facts.conversationId,
        service,
        stored,
        now
      )
      if (r.changes === 0) result.duplicates++
      else {
        result.accepted++
        count++
        this.release(traceId, sp.spanId)
        const tagged =
          sources !== null &&
          offerTags(sources, {
            agent_name: facts.agentName,
            conversation_id: facts.conversationId,
            service_name: service,
            role: roleOf(op),
            start_ms: sp.startMs,
            span_id: sp.spanId
          })
        tagsChanged ||= tagged
      }
    }
    const added = count - trace.span_count
    if (added > 0)
      db.prepare(
        'UPDATE otlp_traces SET span_count = ?, dirty_spans = dirty_spans + ? WHERE trace_id = ?'
      ).run(count, added, traceId)
    if (tagsChanged)
      db.prepare('UPDATE otlp_traces SET tag_sources = ? WHERE trace_id = ?').run(
        JSON.stringify(sources),
        traceId
      )
  }

  /** Job spans waiting for `spanId` (it arrived, or was mapped) are looked at again. */
  private release(traceId: string, spanId: string): void {
    this.releasedSpans += this.s.store
      .prepare(
        'UPDATE otlp_spans INDEXED BY otlp_spans_waiting SET waiting_for = NULL WHERE trace_id = ? AND waiting_for = ?'
      )
      .run(traceId, spanId).changes
  }

  /**
   * Sets job span `r` aside until the span it waits for arrives or is mapped: its parent when
   * that is a job span not mapped yet (whose end is its own), else the span its chain misses. So
   * a long chain arriving children first is looked at once per span, not once per export.
   */
  private waitFor(traceId: string, r: SpanRow, missing: string, chains: Chains): void {
    const parent = r.parent_span_id === null ? undefined : chains.lookup(r.parent_span_id)
    const on = parent?.role === 'job' && parent.entity_id === null ? parent.span_id : missing
    this.s.store
      .prepare('UPDATE otlp_spans SET waiting_for = ? WHERE trace_id = ? AND span_id = ?')
      .run(on, traceId, r.span_id)
  }

  /**
   * Brings one trace's entities up to date with its stored spans. `orphans`: map job spans whose
   * parent never came (after the pending timeout) under the trace's plan. `deadline`
   * (`performance.now()` time): stop after the entity that passes it, so a trace of thousands of
   * spans does not hold the event loop; returns false then (call again: the rest is still to do).
   *
   * Reads only what it maps: the spans still to look at come page by page from an index that
   * mapped spans leave, and a job span that must wait for another leaves it too (`waiting_for`)
   * until that span arrives or is mapped. So the work over a trace's life is O(n log n) in its
   * spans, whatever the number of slices and exports (it was O(n) per slice: a 5,000-span trace
   * was read in full thousands of times).
   */
  settle(traceId: string, orphans: boolean, deadline = Infinity): boolean {
    const db = this.s.store
    const trace = db.prepare('SELECT * FROM otlp_traces WHERE trace_id = ?').get(traceId) as
      TraceRow | undefined
    if (!trace) return true
    if (!trace.mission_id) {
      // No span is mapped or waiting before the mission exists: any GenAI span is in the index.
      const genAi = db
        .prepare(
          `SELECT 1 FROM otlp_spans INDEXED BY otlp_spans_todo
           WHERE trace_id = ? AND entity_id IS NULL AND role != 'other' AND waiting_for IS NULL LIMIT 1`
        )
        .get(traceId)
      if (!genAi) return true
      this.unit('mission', () => this.createMission(trace))
      if (!trace.mission_id) return true
    }
    this.unit('mission tags', () => this.updateTags(trace))
    // Plans before jobs, each in start order, so a job finds its agent's plan in the same pass.
    for (const r of this.ready(traceId, 'plan')) {
      // Out of time only after progress: a unit that fails is not retried in a loop.
      if (this.unit('plan', () => this.mapPlan(trace, r)) && performance.now() >= deadline)
        return false
    }
    const chains = this.chainsOf(traceId)
    // A job mapped here releases the job spans waiting for it: they are looked at in this settle.
    for (let seen = -1; seen !== this.releasedSpans;) {
      seen = this.releasedSpans
      const jobs = orphans
        ? [...this.ready(traceId, 'job'), ...(db.prepare(WAITING_SQL).all(traceId) as SpanRow[])]
        : this.ready(traceId, 'job')
      for (const r of jobs) {
        const plan = this.planOf(trace, r, chains, orphans)
        if ('waitFor' in plan) {
          this.unit('wait', () => this.waitFor(trace.trace_id, r, plan.waitFor, chains))
          continue
        }
        if (
          this.unit('job', () => this.mapJob(trace, r, plan.planId, plan.orphan)) &&
          performance.now() >= deadline
        )
          return false
      }
    }
    const root = db
      .prepare(
        `SELECT ${SPAN_COLUMNS} FROM otlp_spans INDEXED BY otlp_spans_root
           WHERE trace_id = ? AND parent_span_id IS NULL ORDER BY span_id LIMIT 1`
      )
      .get(traceId) as SpanRow | undefined
    if (root) this.unit('mission end', () => this.endMission(trace, root))
    return true
  }

  /**
   * The trace's spans of `role` to look at, in start order, a page at a time. Keyset paging: a
   * span that stays in the index (its unit failed) is not read again in the same pass.
   */
  private *ready(traceId: string, role: 'plan' | 'job'): Generator<SpanRow> {
    const page = this.s.store.prepare(READY_SQL)
    let after: [number, string] = [Number.MIN_SAFE_INTEGER, '']
    for (;;) {
      const rows = page.all(traceId, role, after[0], after[1]) as SpanRow[]
      yield* rows
      const last = rows.at(-1)
      if (!last || rows.length < PAGE) return
      after = [last.start_ms, last.span_id]
    }
  }

  /**
   * How chains are walked in one settle of `traceId`: span by span from the store, with the ends
   * that cannot change any more (a root, a mapped agent) remembered across settles, so a deep
   * chain mapped over many slices is walked once.
   */
  private chainsOf(traceId: string): Chains {
    let resolved = this.resolvedChains.get(traceId)
    if (resolved) this.resolvedChains.delete(traceId)
    else resolved = new Map()
    this.resolvedChains.set(traceId, resolved)
    for (const old of this.resolvedChains.keys()) {
      if (this.resolvedChains.size <= REMEMBERED_TRACES) break
      this.resolvedChains.delete(old)
    }
    const lookup = this.s.store.prepare(
      'SELECT span_id, parent_span_id, role, entity_id FROM otlp_spans WHERE trace_id = ? AND span_id = ?'
    )
    return {
      lookup: (spanId) => lookup.get(traceId, spanId) as ChainRow | undefined,
      resolved,
      waits: new Map()
    }
  }

  /** Maps pending spans older than the timeout as orphans. Returns how many traces it looked at. */
  sweep(): number {
    const db = this.s.store
    const before = this.clock.now() - this.options.pendingTimeoutMs
    const traces = db
      .prepare(
        `SELECT DISTINCT trace_id FROM otlp_spans WHERE entity_id IS NULL AND role != 'other' AND received_ms <= ? LIMIT 100`
      )
      .all(before) as Array<{ trace_id: string }>
    // Bounded like the mapper loop's slices: what is left is the next sweep's.
    const deadline = performance.now() + SWEEP_SLICE_MS
    for (const t of traces)
      if (!this.settle(t.trace_id, true, deadline) || performance.now() >= deadline) break
    // Spans of traces that never had a GenAI span: kept a while (a GenAI child may still come), then dropped.
    const old = this.clock.now() - this.options.unmappedRetentionMs
    this.s.store.transaction(() => {
      db.prepare(
        `DELETE FROM otlp_spans WHERE trace_id IN (SELECT trace_id FROM otlp_traces WHERE mission_id IS NULL AND first_ms <= ? LIMIT 1000)`
      ).run(old)
      db.prepare('DELETE FROM otlp_traces WHERE mission_id IS NULL AND first_ms <= ?').run(old)
    })
    return traces.length
  }

  /** Spans still waiting for a parent. */
  pendingCount(): number {
    return (
      this.s.store
        .prepare(`SELECT COUNT(*) AS n FROM otlp_spans WHERE entity_id IS NULL AND role != 'other'`)
        .get() as { n: number }
    ).n
  }

  /** Runs `fn` as its own unit: a failure rolls back that entity alone and is logged. */
  private unit(what: string, fn: () => void): boolean {
    try {
      this.s.store.transaction(fn)
      return true
    } catch (err) {
      this.counters.mapFailures++
      // What was remembered may name an entity the failure rolled back.
      this.resolvedChains.clear()
      this.log({
        time: new Date(this.clock.now()).toISOString(),
        level: 'error',
        msg: `otlp: mapping ${what} failed`,
        error: err instanceof Error ? err.message : String(err)
      })
      return false
    }
  }

  private createMission(trace: TraceRow): void {
    const m = this.s.identity.createMission({
      parent_mission_id: null,
      tags: { otel_trace_id: trace.trace_id, source: 'otlp' }
    })
    for (const action of ['create', 'start', 'plan_ready', 'execute']) {
      this.s.lifecycle.transition(
        'mission',
        m.mission_id,
        action,
        { otel_trace_id: trace.trace_id },
        OTLP_ACTOR
      )
    }
    this.s.store
      .prepare('UPDATE otlp_traces SET mission_id = ? WHERE trace_id = ?')
      .run(m.mission_id, trace.trace_id)
    trace.mission_id = m.mission_id
  }

  /**
   * Tags from the earliest-starting span that names each (ties by span id): the same tags
   * whatever order the spans came in. Kept by the receiver as spans are stored (`tag_sources`);
   * a trace stored before that column existed is read in full once.
   */
  private updateTags(trace: TraceRow): void {
    const db = this.s.store
    let sources: TagSources
    if (trace.tag_sources !== null) sources = JSON.parse(trace.tag_sources) as TagSources
    else {
      sources = {}
      const rows = db
        .prepare(
          'SELECT agent_name, conversation_id, service_name, role, start_ms, span_id FROM otlp_spans WHERE trace_id = ?'
        )
        .all(trace.trace_id) as TagRow[]
      for (const r of rows) offerTags(sources, r)
      trace.tag_sources = JSON.stringify(sources)
      db.prepare('UPDATE otlp_traces SET tag_sources = ? WHERE trace_id = ?').run(
        trace.tag_sources,
        trace.trace_id
      )
    }
    const tags: Record<string, string> = { otel_trace_id: trace.trace_id, source: 'otlp' }
    const agent = (sources.agentPlan ?? sources.agent)?.[2]
    if (agent) tags.agent_name = agent
    if (sources.conversation) tags.conversation_id = sources.conversation[2]
    if (sources.service) tags.service_name = sources.service[2]
    const text = JSON.stringify(tags)
    db.prepare('UPDATE missions SET tags = ? WHERE mission_id = ? AND tags != ?').run(
      text,
      trace.mission_id,
      text
    )
  }

  private planOf(
    trace: TraceRow,
    r: SpanRow,
    chains: Chains,
    orphans: boolean
  ): { planId: string; orphan: boolean } | { waitFor: string } {
    const end = chainEnd(r.parent_span_id, chains)
    if (end === 'root') return { planId: this.defaultPlan(trace), orphan: false }
    if ('planId' in end) return { planId: end.planId, orphan: false }
    // The chain is not complete (or its agent's plan failed to map): wait, unless timed out.
    if (!orphans) return end
    this.counters.orphans++
    return { planId: this.defaultPlan(trace), orphan: true }
  }

  private defaultPlan(trace: TraceRow): string {
    if (trace.default_plan_id) return trace.default_plan_id
    const p = this.s.identity.createPlan({
      mission_id: trace.mission_id as string,
      plan_type: 'otel_trace',
      metadata: { otel_trace_id: trace.trace_id }
    })
    this.s.store
      .prepare('UPDATE otlp_traces SET default_plan_id = ? WHERE trace_id = ?')
      .run(p.plan_id, trace.trace_id)
    trace.default_plan_id = p.plan_id
    return p.plan_id
  }

  private metadataOf(
    trace: TraceRow,
    r: SpanRow
  ): { md: Record<string, unknown>; span: IngestSpan; f: ReturnType<typeof genAiFacts> } {
    const { attributes } = this.s.store
      .prepare('SELECT attributes FROM otlp_spans WHERE trace_id = ? AND span_id = ?')
      .get(trace.trace_id, r.span_id) as { attributes: string }
    const stored = JSON.parse(attributes) as {
      attributes: Record<string, unknown>
      resource: Record<string, unknown>
      scope: string
    }
    const span: IngestSpan = {
      traceId: trace.trace_id,
      spanId: r.span_id,
      parentSpanId: r.parent_span_id,
      name: r.name,
      kind: 0,
      startMs: r.start_ms,
      endMs: r.end_ms,
      attributes: stored.attributes,
      status: { code: r.status_code, message: r.status_message },
      resource: stored.resource,
      scope: stored.scope
    }
    const f = genAiFacts(span)
    const attrText = JSON.stringify(stored.attributes)
    const md: Record<string, unknown> = {
      source: 'otlp',
      otel_trace_id: trace.trace_id,
      otel_span_id: r.span_id,
      otel_parent_span_id: r.parent_span_id,
      otel_name: r.name,
      otel_operation: r.op,
      otel_start: new Date(r.start_ms).toISOString(),
      otel_end: new Date(r.end_ms).toISOString(),
      otel_duration_ms: Math.max(0, r.end_ms - r.start_ms),
      otel_status: r.status_code === 2 ? 'ERROR' : r.status_code === 1 ? 'OK' : 'UNSET',
      otel_attributes:
        attrText.length <= MAX_METADATA_ATTR_CHARS
          ? stored.attributes
          : { truncated: true, chars: attrText.length }
    }
    if (f.model) md.model = f.model
    if (f.requestModel) md.request_model = f.requestModel
    if (f.provider) md.provider = f.provider
    if (f.agentName) md.agent_name = f.agentName
    if (f.toolName) md.tool_name = f.toolName
    if (f.failed) {
      md.error = f.error
      if (f.errorType) md.error_type = f.errorType
    }
    return { md, span, f }
  }

  private mapPlan(trace: TraceRow, r: SpanRow): void {
    const { md } = this.metadataOf(trace, r)
    const p = this.s.identity.createPlan({
      mission_id: trace.mission_id as string,
      plan_type: r.op ?? 'invoke_agent',
      metadata: md
    })
    this.setEntity(trace.trace_id, r.span_id, p.plan_id)
    r.entity_id = p.plan_id
  }

  private mapJob(trace: TraceRow, r: SpanRow, planId: string, orphan: boolean): void {
    const { md, span, f } = this.metadataOf(trace, r)
    if (orphan) md.otel_orphan = true
    const tokens = f.inputTokens + f.outputTokens
    if (tokens > 0) {
      md.input_tokens = f.inputTokens
      md.output_tokens = f.outputTokens
      for (const k of [
        'gen_ai.usage.cache_read.input_tokens',
        'gen_ai.usage.cache_creation.input_tokens',
        'gen_ai.usage.reasoning.output_tokens'
      ]) {
        const v = span.attributes[k]
        if (typeof v === 'number') md[k.replace(/^gen_ai\.usage\./, '').replace(/\./g, '_')] = v
      }
    }
    const cost =
      tokens > 0 ? this.prices.cost(f.provider, f.model, f.inputTokens, f.outputTokens) : null
    if (cost) {
      md.cost_known = cost.known
      if (!cost.known) md.cost_note = cost.note
    }
    const jobType =
      r.op === 'execute_tool' ? `execute_tool:${f.toolName ?? 'unknown'}` : (r.op ?? 'chat')
    const job = this.s.identity.createJob({
      plan_id: planId,
      job_type: jobType,
      dependencies: [],
      metadata: md
    })
    this.setEntity(trace.trace_id, r.span_id, job.job_id)
    const lc = this.s.lifecycle
    lc.transition('job', job.job_id, 'create', {}, OTLP_ACTOR)
    lc.transition('job', job.job_id, 'dependencies_met', {}, OTLP_ACTOR)
    // After the fact: governance may refuse the start (open breaker, cooldown), but the span ran.
    // The refusal is recorded on the job, which cannot then run; the span's outcome is in its metadata.
    let usageOn = job.job_id
    const refused = this.tryStart('job', job.job_id)
    const cancel = (code: string) =>
      lc.transition(
        'job',
        job.job_id,
        'cancel',
        { reason: `ran while governance would have refused it (${code})`, otel_refused_by: code },
        OTLP_ACTOR
      )
    if (refused) cancel(refused)
    else {
      const attempt = this.s.identity.createAttempt({
        job_id: job.job_id,
        attempt_number: 1,
        metadata: md
      })
      usageOn = attempt.attempt_id
      lc.transition('attempt', attempt.attempt_id, 'create', {}, OTLP_ACTOR)
      const attemptRefused = this.tryStart('attempt', attempt.attempt_id)
      if (attemptRefused) cancel(attemptRefused)
      else {
        const failMd = {
          error: f.error,
          error_type: f.errorType ?? 'otel_error',
          error_category: 'mechanical',
          otel_span_id: r.span_id
        }
        const end = (type: 'job' | 'attempt', id: string) =>
          lc.transition(
            type,
            id,
            f.failed ? 'fail' : 'complete',
            f.failed ? failMd : {},
            OTLP_ACTOR
          )
        end('attempt', attempt.attempt_id)
        if (lc.currentState(job.job_id) === 'running') end('job', job.job_id)
      }
    }
    // Usage last: the entity has already ended, so a budget crossed here is recorded, not enforced.
    if (tokens > 0) {
      this.s.telemetry.report({
        entity_id: usageOn,
        llm_tokens: tokens,
        ...(cost?.known ? { cost_credits: cost.cost } : {})
      })
    }
  }

  /** Starts an entity; returns the NR code of a governance refusal, or null when it started. */
  private tryStart(type: 'job' | 'attempt', id: string): string | null {
    try {
      this.s.lifecycle.transition(type, id, 'start', {}, OTLP_ACTOR)
      return null
    } catch (err) {
      if (isDomainError(err) && err.code.startsWith('NR-E') && err.code !== 'NR-E301')
        return err.code
      throw err
    }
  }

  private endMission(trace: TraceRow, root: SpanRow): void {
    const id = trace.mission_id as string
    if (this.s.lifecycle.currentState(id) !== 'executing') return
    const failed = root.status_code === 2
    const md = failed
      ? { error: root.status_message || 'root span status ERROR', otel_span_id: root.span_id }
      : { otel_span_id: root.span_id }
    this.s.lifecycle.transition('mission', id, failed ? 'fail' : 'complete', md, OTLP_ACTOR)
  }

  private setEntity(traceId: string, spanId: string, entityId: string): void {
    this.s.store
      .prepare(
        'UPDATE otlp_spans SET entity_id = ?, waiting_for = NULL WHERE trace_id = ? AND span_id = ?'
      )
      .run(entityId, traceId, spanId)
    this.release(traceId, spanId)
  }
}

/** Where a parent chain ends: the trace's root, a mapped plan, or the span it waits for. */
type ChainEnd = 'root' | { planId: string } | { waitFor: string }
/** A chain end that cannot change any more. */
type ResolvedEnd = 'root' | { planId: string }

/** A span as a chain walk reads it. */
interface ChainRow {
  span_id: string
  parent_span_id: string | null
  role: SpanRole
  entity_id: string | null
}

/** What walks a trace's parent chains: a span lookup and the ends known so far, by span id. */
interface Chains {
  lookup: (spanId: string) => ChainRow | undefined
  /** Final ends, remembered across settles of the trace. */
  resolved: Map<string, ResolvedEnd>
  /** Ends that wait for a span, valid for this settle only (the span may come). */
  waits: Map<string, ChainEnd>
}

/**
 * Where the chain from `parent` up ends. Memoised: a deep chain of job spans is walked once, not
 * once per span on it (10,000 spans in one chain were 50 million steps). A chain waits for the
 * first span it misses, for an agent span not mapped yet, or (a cycle of parents, which never
 * completes) for the span where it closes.
 */
function chainEnd(parent: string | null, chains: Chains): ChainEnd {
  const path: string[] = []
  const onPath = new Set<string>()
  let end: ChainEnd
  for (let p = parent; ;) {
    if (p === null) {
      end = 'root'
      break
    }
    const known = chains.resolved.get(p) ?? chains.waits.get(p)
    if (known) {
      end = known
      break
    }
    const up = chains.lookup(p)
    if (!up || onPath.has(p)) {
      end = { waitFor: p }
      break
    }
    if (up.role === 'plan') {
      end = up.entity_id ? { planId: up.entity_id } : { waitFor: p }
      break
    }
    path.push(p)
    onPath.add(p)
    p = up.parent_span_id
  }
  const final = end === 'root' || 'planId' in end
  for (const id of path) {
    if (final) chains.resolved.set(id, end as ResolvedEnd)
    else chains.waits.set(id, end)
  }
  return end
}

/** The columns mission tags are chosen from. */
interface TagRow {
  agent_name: string | null
  conversation_id: string | null
  service_name: string | null
  role: SpanRole
  start_ms: number
  span_id: string
}

/** Makes `r` the source of each tag it names and starts before the current one; true if any. */
function offerTags(sources: TagSources, r: TagRow): boolean {
  const offer = (tag: keyof TagSources, value: string | null): boolean => {
    const cur = sources[tag]
    if (
      value === null ||
      (cur && (cur[0] < r.start_ms || (cur[0] === r.start_ms && cur[1] <= r.span_id)))
    )
      return false
    sources[tag] = [r.start_ms, r.span_id, value]
    return true
  }
  const changes = [
    offer('agentPlan', r.role === 'plan' ? r.agent_name : null),
    offer('agent', r.agent_name),
    offer('conversation', r.conversation_id),
    offer('service', r.service_name)
  ]
  return changes.includes(true)
}

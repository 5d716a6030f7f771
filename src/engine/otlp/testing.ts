// Helpers of the OTLP ingest tests: exports as an exporter sends them, over real HTTP.
import { ROOT_CONTEXT, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter
} from '@opentelemetry/sdk-trace-base'
import protobuf from 'protobufjs'
import { startTestEngine, type TestEngine } from '../testing/harness'
import type { IngestSpan } from './ingest-proto'

/** Runs `fn` against an engine of its own (started with `options`), stopped whatever happens. */
export async function withEngine<T>(
  options: Parameters<typeof startTestEngine>[0],
  fn: (t: TestEngine) => Promise<T>
): Promise<T> {
  const t = await startTestEngine(options)
  try {
    return await fn(t)
  } finally {
    await t.stop()
  }
}

/**
 * A TracerProvider of the real OpenTelemetry SDK for service `service`, handing spans to
 * `exporter` one by one (a simple processor) or in batches of two (a batch processor).
 */
export function sdkProvider(
  service: string,
  exporter: SpanExporter,
  batch = false
): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [
      batch
        ? new BatchSpanProcessor(exporter, { maxExportBatchSize: 2, scheduledDelayMillis: 10 })
        : new SimpleSpanProcessor(exporter)
    ]
  })
}

/**
 * A tiny agent instrumented with the real OpenTelemetry SDK: invoke_agent weather-bot → chat
 * gpt-4o (120 in, 80 out) and an HTTP span → a failing execute_tool get_weather under it.
 */
export function runAgent(tracer: Tracer): string {
  const agent = tracer.startSpan('invoke_agent weather-bot', {
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather-bot',
      'gen_ai.conversation.id': 'conv-42',
      'gen_ai.provider.name': 'openai'
    }
  })
  const ctx = trace.setSpan(ROOT_CONTEXT, agent)
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 80,
        'gen_ai.input.messages':
          '[{"role":"user","parts":[{"type":"text","content":"secret prompt"}]}]'
      }
    },
    ctx
  )
  chat.end()
  const http = tracer.startSpan(
    'GET api.weather.example',
    { attributes: { 'http.request.method': 'GET' } },
    ctx
  )
  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'error.type': 'ToolError'
      }
    },
    trace.setSpan(ROOT_CONTEXT, http)
  )
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'weather service unreachable' })
  tool.end()
  http.end()
  agent.end()
  return agent.spanContext().traceId
}

/**
 * Runs {@link runAgent} under service `weather-service` with the real SDK, exporting with
 * `exporter` span by span or in batches; resolves with the trace id once everything is sent.
 */
export async function exportAgentTrace(exporter: SpanExporter, batch: boolean): Promise<string> {
  const provider = sdkProvider('weather-service', exporter, batch)
  const traceId = runAgent(provider.getTracer('test-agent'))
  await provider.forceFlush()
  await provider.shutdown()
  return traceId
}

/** An OTLP/JSON attribute (`intValue` as the decimal string the spec writes). */
export function kv(key: string, v: string | number): object {
  return { key, value: typeof v === 'string' ? { stringValue: v } : { intValue: String(v) } }
}

/** `gen_ai.operation.name` = `op`, the attribute that makes a span a plan or a job. */
export function opAttr(op: string): object {
  return kv('gen_ai.operation.name', op)
}

/** An OTLP/JSON span; ids are hex (`parent` omitted for a root). */
export function jsonSpan(
  traceId: string,
  spanId: string,
  name: string,
  more: { parent?: string; attributes?: object[]; status?: object } = {}
): object {
  return {
    traceId,
    spanId,
    ...(more.parent ? { parentSpanId: more.parent } : {}),
    name,
    attributes: more.attributes ?? [],
    ...(more.status ? { status: more.status } : {})
  }
}

/** An OTLP/JSON export body holding `spans` under one resource and scope. */
export function jsonExport(spans: readonly object[], resource: object[] = []): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ spans }] }]
  })
}

/** POSTs a body to the engine's `/v1/traces` as an exporter does (protobuf unless told). */
export function postTraces(
  t: TestEngine,
  body: Buffer | string,
  options: { token?: string | null; headers?: Record<string, string> } = {}
): Promise<Response> {
  const token = options.token === undefined ? t.engine.adminToken : options.token
  return fetch(t.engine.url + '/v1/traces', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...options.headers
    },
    body: typeof body === 'string' ? body : new Uint8Array(body)
  })
}

/** POSTs `spans` as one OTLP/JSON export with `token`. */
export function postJsonSpans(
  t: TestEngine,
  token: string,
  spans: readonly object[]
): Promise<Response> {
  return postTraces(t, jsonExport(spans), {
    token,
    headers: { 'Content-Type': 'application/json' }
  })
}

/** A span as the receiver hands it to the mapper, for tests that store through `mapper.ingest`. */
export function ingestSpan(traceId: string, spanId: string, op = 'chat'): IngestSpan {
  return {
    traceId,
    spanId,
    parentSpanId: null,
    name: `${op} m`,
    kind: 0,
    startMs: 0,
    endMs: 1,
    attributes: { 'gen_ai.operation.name': op },
    status: { code: 0, message: '' },
    resource: {},
    scope: 'x'
  }
}

/** The stored spans of a trace with the entities they became (`GET /otel/traces/:id/spans`). */
export interface TraceView {
  mission_id: string | null
  span_count: number
  spans: Array<{
    span_id: string
    role: string
    name: string
    entity_id: string | null
    nearest_entity_id: string | null
  }>
}

/** Reads a trace's view, again every 25 ms until `done` holds of it (at most 10 s). */
export async function traceWhen(
  t: TestEngine,
  traceId: string,
  done: (v: TraceView) => boolean = () => true
): Promise<TraceView> {
  const read = async () => (await t.api('GET', `/otel/traces/${traceId}/spans`)).body as TraceView
  let view = await read()
  for (let i = 0; i < 400 && !done(view); i++) {
    await new Promise((r) => setTimeout(r, 25))
    view = await read()
  }
  return view
}

const StatusType = protobuf
  .parse('syntax = "proto3"; message Status { int32 code = 1; string message = 2; }')
  .root.lookupType('Status')

/**
 * The `google.rpc.Status` an OTLP/HTTP refusal carries, decoded from the answer's own encoding
 * (the spec's message, read independently of the receiver's encoder).
 */
export async function refusalOf(res: Response): Promise<{ code: number; message: string }> {
  if (res.headers.get('content-type') === 'application/x-protobuf') {
    const status = StatusType.decode(new Uint8Array(await res.arrayBuffer()))
    return StatusType.toObject(status, { defaults: true }) as { code: number; message: string }
  }
  return (await res.json()) as { code: number; message: string }
}

// Hostile exports, written on the wire by hand (an encoder would refuse to build most of them).
// Field tags used: Request.resource_spans 0x0a, ResourceSpans.scope_spans 0x12,
// ScopeSpans.spans 0x12, Span.attributes 0x4a, .events 0x5a, .links 0x6a, KeyValue.value 0x12,
// AnyValue.kvlist_value 0x32, KeyValueList.values 0x0a.

function varint(n: number): Buffer {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return Buffer.from(out)
}

/** `payload` wrapped in length-delimited fields, innermost tag first. */
function wrap(payload: Buffer, tags: readonly number[]): Buffer {
  let out = payload
  for (const tag of tags) out = Buffer.concat([Buffer.from([tag]), varint(out.length), out])
  return out
}

/** `count` copies of `field` back to back. */
function repeated(field: readonly number[], count: number): Buffer {
  const one = Buffer.from(field)
  const out = Buffer.alloc(one.length * count)
  for (let i = 0; i < out.length; i += one.length) one.copy(out, i)
  return out
}

/** Span fields as the content of Request → ResourceSpans → ScopeSpans → Span. */
function inSpan(fields: Buffer): Buffer {
  return wrap(fields, [0x12, 0x12, 0x0a])
}

/**
 * A protobuf export of a span attribute whose value nests `levels` AnyValues (maps in maps; 16 is
 * the deepest accepted). Only the headers are written, outermost first, each level's length
 * known from the one inside it: 50,000 levels are a few hundred kilobytes, built in linear time.
 */
export function nestedValueExport(levels: number): Buffer {
  const headers: Buffer[] = []
  let size = 0
  for (let i = 1; i < levels; i++) {
    const kvPair = 1 + varint(size).length + size
    const list = 1 + varint(kvPair).length + kvPair
    headers.push(
      Buffer.concat([Buffer.from([0x12]), varint(size)]),
      Buffer.concat([Buffer.from([0x0a]), varint(kvPair)]),
      Buffer.concat([Buffer.from([0x32]), varint(list)])
    )
    size = 1 + varint(list).length + list
  }
  return inSpan(wrap(Buffer.concat(headers.reverse()), [0x12, 0x4a]))
}

/**
 * The OTLP/JSON twin of {@link nestedValueExport}, the value in a span event's attribute (the
 * deepest place OTLP/JSON nests one): `levels` AnyValues, maps in maps, the innermost a map with
 * one key and no value.
 */
export function nestedValueJson(levels: number): string {
  let value = '{"kvlistValue":{"values":[{"key":"k"}]}}'
  for (let i = 1; i < levels; i++)
    value = `{"kvlistValue":{"values":[{"key":"k","value":${value}}]}}`
  const event = `{"name":"e","attributes":[{"key":"deep","value":${value}}]}`
  return `{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","events":[${event}]}]}]}]}`
}

/** An OTLP/JSON export of one span with `count` empty attributes. */
function jsonAttributes(count: number): string {
  return (
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","attributes":[' +
    '{},'.repeat(count - 1) +
    '{}]}]}]}]}'
  )
}

/** One hostile export: what it is, its body, and the refusal it must get. */
export interface HostileExport {
  what: string
  json?: boolean
  gzip?: boolean
  body: () => Buffer | string
  status: 400 | 413
  /** The refusal's message. */
  says: RegExp
}

/**
 * Exports built to exhaust the receiver's memory or time while small on the wire; each must be
 * refused by counting, before it is decoded. Each is within the 16 MiB decoded-size limit.
 */
export const HOSTILE_EXPORTS: readonly HostileExport[] = [
  {
    what: 'protobuf: 7 million empty attributes in one span, gzipped',
    gzip: true,
    body: () => inSpan(repeated([0x4a, 0], 7_000_000)),
    status: 413,
    says: /more than 250000 attributes/
  },
  {
    what: 'OTLP/JSON: 5 million empty attributes, gzipped',
    json: true,
    gzip: true,
    body: () => jsonAttributes(5_000_000),
    status: 413,
    says: /more than 1500000 JSON values/
  },
  {
    what: 'protobuf: a million empty events',
    body: () => inSpan(repeated([0x5a, 0], 1_000_000)),
    status: 413,
    says: /more than 50000 span events/
  },
  {
    what: 'protobuf: a million empty links',
    body: () => inSpan(repeated([0x6a, 0], 1_000_000)),
    status: 413,
    says: /more than 50000 span links/
  },
  {
    what: 'protobuf: a million empty spans',
    body: () => wrap(repeated([0x12, 0], 1_000_000), [0x12, 0x0a]),
    status: 413,
    says: /more than 20000 spans/
  },
  {
    what: 'protobuf: a million empty scopeSpans',
    body: () => wrap(repeated([0x12, 0], 1_000_000), [0x0a]),
    status: 413,
    says: /more than 10000 scopeSpans entries/
  },
  {
    what: 'protobuf: a million empty resourceSpans',
    body: () => repeated([0x0a, 0], 1_000_000),
    status: 413,
    says: /more than 10000 resourceSpans entries/
  },
  {
    what: 'protobuf: 3 million unknown span fields, gzipped',
    gzip: true,
    body: () => inSpan(repeated([0xa0, 0x06, 0], 3_000_000)),
    status: 413,
    says: /more than 2000000 protobuf fields/
  },
  {
    what: 'protobuf: an attribute value nested 17 levels deep',
    body: () => nestedValueExport(17),
    status: 400,
    says: /nested deeper than 16 levels/
  },
  {
    what: 'protobuf: an attribute value nested 50,000 levels deep',
    body: () => nestedValueExport(50_000),
    status: 400,
    says: /nested deeper than 16 levels/
  }
]

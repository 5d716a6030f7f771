import protobuf from 'protobufjs'
import { parseJsonBounded } from '../../shared/json-depth'
import { OTLP_EXPORT_LIMITS } from '../../shared/neurorail/limits'
import { boundJsonExport, boundProtobufExport } from './ingest-bounds'

/**
 * The OTLP trace messages, as published in open-telemetry/opentelemetry-proto (v1.x:
 * common/v1/common.proto, resource/v1/resource.proto, trace/v1/trace.proto,
 * collector/trace/v1/trace_service.proto) and the `google.rpc.Status` of error answers (without
 * its `details`), trimmed of comments. Field numbers and types are the
 * spec's; protobufjs decodes and encodes with them (no hand-written wire code here).
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  fixed32 flags = 16; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  repeated Event events = 11; uint32 dropped_events_count = 12;
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
  repeated Link links = 13; uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message RpcStatus { int32 code = 1; string message = 2; }
`

const root = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: true }).root
const RequestType = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest')
/** The `ExportTraceServiceRequest` message type (what {@link boundProtobufExport} walks). */
export const EXPORT_REQUEST_TYPE = RequestType
const ResponseType = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse')
const StatusType = root.lookupType('opentelemetry.proto.RpcStatus')

/** Status codes of OTLP's `Status.code`. */
const STATUS_ERROR = 2

/** Nested attribute values deeper than this are kept as a marker string. */
const MAX_VALUE_DEPTH = 8
/** Longest attribute string kept (longer ones are cut, with a marker). */
const MAX_ATTR_CHARS = 4096
/** Most attributes kept per span (the rest are counted as dropped). */
const MAX_ATTRS = 128

/** One span as the mapper sees it: ids in lowercase hex, times in ms, attributes flattened. */
export interface IngestSpan {
  traceId: string
  spanId: string
  parentSpanId: string | null
  name: string
  kind: number
  startMs: number
  endMs: number
  attributes: Record<string, unknown>
  status: { code: number; message: string }
  resource: Record<string, unknown>
  scope: string
}

/** A decoded export: its valid spans, and why the others were refused. */
export interface DecodedExport {
  spans: IngestSpan[]
  rejected: number
  reasons: string[]
}

/** Thrown for a body that does not decode (the route answers 400). */
export class UndecodableError extends Error {}

/** The two encodings of OTLP/HTTP. */
export type Encoding = 'protobuf' | 'json'

/**
 * Decodes an export body in its encoding, after measuring it against OTLP_EXPORT_LIMITS: a body
 * past a limit is refused (BodyError, 413 or 400) before it is built in memory. Throws
 * UndecodableError for a body that does not decode.
 */
export function decodeExport(body: Buffer, enc: Encoding): DecodedExport {
  return enc === 'json' ? decodeJsonBody(body) : decodeProtobuf(body)
}

/** Decodes an `ExportTraceServiceRequest` in protobuf, bounded first (see {@link decodeExport}). */
function decodeProtobuf(body: Buffer): DecodedExport {
  boundProtobufExport(body, RequestType)
  let msg: Record<string, unknown>
  try {
    msg = RequestType.toObject(RequestType.decode(body), {
      longs: String,
      bytes: Buffer,
      defaults: false
    }) as Record<string, unknown>
  } catch (err) {
    // Also a stack overflow on absurdly deep nesting: a RangeError, caught like any other.
    throw new UndecodableError(
      `Body is not an OTLP ExportTraceServiceRequest: ${(err as Error).message}`
    )
  }
  return collect(msg, 'protobuf')
}

/**
 * How deep an OTLP/JSON export nests when its attribute values nest as deep as the protobuf walk
 * accepts (`valueDepth`): a span event's or link's attribute value opens at level 12 (request,
 * resourceSpans, entry, scopeSpans, entry, spans, span, events, event, attributes, key-value,
 * value), each map inside it 4 more (kvlistValue, values, key-value, value), and the innermost
 * AnyValue's list or map with its entry 3 more. Lists nest 3 levels per AnyValue, so a list may
 * reach a few levels deeper in JSON than in protobuf; the mapper keeps 8 either way.
 */
const JSON_DEPTH = 12 + 4 * (OTLP_EXPORT_LIMITS.valueDepth - 1) + 3

/** Parses an OTLP/JSON body, bounded in values and depth before JSON.parse runs. */
function decodeJsonBody(body: Buffer): DecodedExport {
  boundJsonExport(body)
  const parsed = parseJsonBounded(body.toString('utf8'), JSON_DEPTH)
  if (!parsed.ok)
    throw new UndecodableError(
      parsed.reason === 'malformed' ? `Malformed JSON body: ${parsed.message}` : parsed.message
    )
  if (!isObject(parsed.value))
    throw new UndecodableError('Body is not an OTLP/JSON ExportTraceServiceRequest object')
  return collect(parsed.value, 'json')
}

function collect(msg: Record<string, unknown>, enc: Encoding): DecodedExport {
  const out: DecodedExport = { spans: [], rejected: 0, reasons: [] }
  const rss = field(msg, 'resource_spans', 'resourceSpans')
  if (rss !== undefined && !Array.isArray(rss))
    throw new UndecodableError('resourceSpans must be a list')
  for (const rs of (rss as unknown[] | undefined) ?? []) {
    if (!isObject(rs)) throw new UndecodableError('a resourceSpans entry is not an object')
    const res = field(rs, 'resource')
    const resource = attrs(isObject(res) ? field(res, 'attributes') : undefined, enc).values
    for (const ss of asList(field(rs, 'scope_spans', 'scopeSpans'))) {
      if (!isObject(ss)) throw new UndecodableError('a scopeSpans entry is not an object')
      const sc = field(ss, 'scope')
      const scope = isObject(sc) && typeof sc.name === 'string' ? sc.name.slice(0, 256) : ''
      for (const sp of asList(field(ss, 'spans'))) {
        if (!isObject(sp)) throw new UndecodableError('a span is not an object')
        const span = toSpan(sp, resource, scope, enc)
        if (typeof span === 'string') {
          out.rejected++
          if (out.reasons.length < 3) out.reasons.push(span)
        } else out.spans.push(span)
      }
    }
  }
  return out
}

function toSpan(
  sp: Record<string, unknown>,
  resource: Record<string, unknown>,
  scope: string,
  enc: Encoding
): IngestSpan | string {
  const traceId = id(field(sp, 'trace_id', 'traceId'), enc)
  const spanId = id(field(sp, 'span_id', 'spanId'), enc)
  if (!traceId || traceId.length !== 32 || /^0+$/.test(traceId))
    return 'invalid trace id (need 16 bytes, not all zero)'
  if (!spanId || spanId.length !== 16 || /^0+$/.test(spanId))
    return 'invalid span id (need 8 bytes, not all zero)'
  const parent = id(field(sp, 'parent_span_id', 'parentSpanId'), enc)
  if (parent !== null && parent !== '' && parent.length !== 16) return 'invalid parent span id'
  const st = field(sp, 'status')
  const a = attrs(field(sp, 'attributes'), enc)
  return {
    traceId,
    spanId,
    parentSpanId: parent && !/^0+$/.test(parent) ? parent : null,
    name: String(field(sp, 'name') ?? '').slice(0, 256),
    kind: Number(field(sp, 'kind') ?? 0) || 0,
    startMs: nanosToMs(field(sp, 'start_time_unix_nano', 'startTimeUnixNano')),
    endMs: nanosToMs(field(sp, 'end_time_unix_nano', 'endTimeUnixNano')),
    attributes: a.values,
    status: {
      code: isObject(st) ? statusCode(field(st, 'code')) : 0,
      message:
        isObject(st) && typeof st.message === 'string' ? st.message.slice(0, MAX_ATTR_CHARS) : ''
    },
    resource,
    scope
  }
}

function statusCode(v: unknown): number {
  if (v === 'STATUS_CODE_ERROR') return STATUS_ERROR
  if (v === 'STATUS_CODE_OK') return 1
  const n = Number(v)
  return Number.isInteger(n) ? n : 0
}

/** Nanoseconds (a decimal string, number, or absent) to ms since epoch. */
function nanosToMs(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.floor(v / 1e6)
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return Number(BigInt(v) / 1_000_000n)
  return 0
}

/** Ids: bytes in protobuf, hex (OTLP/JSON spec) in JSON. Lowercase hex, '' for empty, null if invalid. */
function id(v: unknown, enc: Encoding): string | null {
  if (v === undefined || v === null) return ''
  if (enc === 'protobuf')
    return Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('hex') : null
  if (typeof v !== 'string') return null
  if (v === '') return ''
  return /^[0-9a-fA-F]+$/.test(v) && v.length % 2 === 0 ? v.toLowerCase() : null
}

function attrs(list: unknown, enc: Encoding): { values: Record<string, unknown> } {
  const values: Record<string, unknown> = {}
  let n = 0
  for (const kv of asList(list)) {
    if (!isObject(kv) || typeof kv.key !== 'string') continue
    if (n++ >= MAX_ATTRS) break
    values[kv.key.slice(0, 256)] = anyValue(kv.value, enc, 0)
  }
  return { values }
}

function anyValue(v: unknown, enc: Encoding, depth: number): unknown {
  if (!isObject(v)) return null
  if (depth >= MAX_VALUE_DEPTH) return '[nested too deep]'
  const s = field(v, 'string_value', 'stringValue')
  if (typeof s === 'string')
    return s.length > MAX_ATTR_CHARS ? s.slice(0, MAX_ATTR_CHARS) + '…[cut]' : s
  const b = field(v, 'bool_value', 'boolValue')
  if (typeof b === 'boolean') return b
  const i = field(v, 'int_value', 'intValue')
  if (i !== undefined) {
    const n = Number(i)
    return Number.isFinite(n) ? n : null
  }
  const d = field(v, 'double_value', 'doubleValue')
  if (d !== undefined) return typeof d === 'number' ? d : Number(d)
  const arr = field(v, 'array_value', 'arrayValue')
  if (isObject(arr))
    return asList(arr.values)
      .slice(0, 64)
      .map((x) => anyValue(x, enc, depth + 1))
  const kvl = field(v, 'kvlist_value', 'kvlistValue')
  if (isObject(kvl)) {
    const o: Record<string, unknown> = {}
    for (const kv of asList(kvl.values).slice(0, 64)) {
      if (isObject(kv) && typeof kv.key === 'string')
        o[kv.key.slice(0, 256)] = anyValue(kv.value, enc, depth + 1)
    }
    return o
  }
  const by = field(v, 'bytes_value', 'bytesValue')
  if (by !== undefined)
    return enc === 'protobuf' && Buffer.isBuffer(by) ? by.toString('base64') : String(by)
  return null
}

/** Encodes the OTLP answer in the request's encoding. */
export function encodeResponse(rejected: number, message: string, enc: Encoding): Buffer | object {
  const partial =
    rejected > 0 || message ? { rejected_spans: rejected, error_message: message } : undefined
  if (enc === 'json')
    return partial
      ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } }
      : {}
  const msg = ResponseType.fromObject(partial ? { partial_success: partial } : {})
  return Buffer.from(ResponseType.encode(msg).finish())
}

/** `google.rpc.Status` codes of the refusals the receiver answers with a body of its own. */
const RPC_CODE: Readonly<Record<number, number>> = { 400: 3, 413: 8, 415: 3, 429: 8 }

/**
 * An OTLP/HTTP error answer's body: a `google.rpc.Status` with the message, in the request's
 * encoding (what an OTLP exporter or Collector reads and logs).
 */
export function encodeStatus(status: number, message: string, enc: Encoding): Buffer | object {
  const code = RPC_CODE[status] ?? 2
  if (enc === 'json') return { code, message }
  return Buffer.from(StatusType.encode(StatusType.fromObject({ code, message })).finish())
}

function field(o: Record<string, unknown>, snake: string, camel?: string): unknown {
  return o[snake] ?? (camel ? o[camel] : undefined)
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Encodes an `ExportTraceServiceRequest` given as a plain object in the proto's field names
 * (ids as Buffers, times as decimal strings): benchmarks and tests build exports with it.
 */
export function encodeExportRequest(req: Record<string, unknown>): Buffer {
  return Buffer.from(RequestType.encode(RequestType.fromObject(req)).finish())
}

/**
 * Nesting limits every ControlDeck part agrees on. One number, so the engine refuses exactly what
 * no console could read instead of each side guessing.
 */

/**
 * Deepest JSON nesting of one stream event that a console reads: the frame's own object
 * (`{id, channel, event_type, timestamp, data}`) counts as level 1, so `data` is level 2 and an
 * audit event's `details` object level 3. Deeper frames are not shown as they are: JSON.stringify,
 * zod, IPC cloning and React rendering all recurse, and a hostile nesting must not reach them.
 */
export const MAX_EVENT_DEPTH = 64

/**
 * Deepest JSON request body the engine (and browser mode) accepts. A body's content reaches an
 * event at most two levels deeper than it sits in the body (`{metadata}` of a transition becomes
 * `data.details.metadata` of its audit event, `{context}` of a decision `data.details.context`),
 * so a body within this limit can only produce events within {@link MAX_EVENT_DEPTH}.
 */
export const MAX_REQUEST_DEPTH = MAX_EVENT_DEPTH - 2

/**
 * Deepest JSON answer the console's backend client parses. The engine's answers wrap what it
 * accepted in a few levels at most (a batch's `results[].body`, a created job's attempt); the
 * margin keeps answers of backends with looser rules readable while a hostile nesting is refused
 * before anything recurses over it.
 */
export const MAX_RESPONSE_DEPTH = MAX_EVENT_DEPTH * 2

/**
 * What one OTLP trace export (`POST /v1/traces`) may hold, and what the engine's receiver refuses
 * past it. Every limit is checked on the bytes, before anything is decoded: a body of a few
 * kilobytes that inflates into millions of empty attributes is refused by counting, not after it
 * filled the heap. The defaults leave room for any real exporter: OpenTelemetry SDKs send at most
 * 512 spans of at most 128 attributes, 128 events and 128 links per export; a Collector batches
 * 8,192 spans.
 */
export const OTLP_EXPORT_LIMITS = {
  /** Body bytes on the wire (compressed or not): 413 past it. */
  wireBytes: 4 * 1024 * 1024,
  /** Body bytes once gzip is undone: 413 past it (a gzip bomb stops here). */
  decodedBytes: 16 * 1024 * 1024,
  /** `resourceSpans` entries: 413 past it. */
  resourceSpans: 10_000,
  /** `scopeSpans` entries, over all resources: 413 past it. */
  scopeSpans: 10_000,
  /** Spans: 413 past it. */
  spans: 20_000,
  /**
   * Attributes over the whole export — key-value pairs of resources, scopes, spans, events and
   * links, and the entries and elements of nested lists and maps: 413 past it.
   */
  attributes: 250_000,
  /** Span events: 413 past it. */
  events: 50_000,
  /** Span links: 413 past it. */
  links: 50_000,
  /** Attribute values nested in lists and maps deeper than this: 400. */
  valueDepth: 16,
  /** Protobuf fields of any kind, unknown ones included (what decoding walks): 413 past it. */
  protobufFields: 2_000_000,
  /**
   * OTLP/JSON values: objects, arrays and list or member separators outside strings, about what
   * JSON.parse allocates (an attribute is four): 413 past it.
   */
  jsonValues: 1_500_000
} as const

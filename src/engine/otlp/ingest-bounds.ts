import protobuf from 'protobufjs'
import { OTLP_EXPORT_LIMITS } from '../../shared/neurorail/limits'
import { BodyError } from './ingest-body'

/** The limits an export is measured against (the shipped ones unless a test passes smaller). */
export type ExportLimits = { readonly [K in keyof typeof OTLP_EXPORT_LIMITS]: number }

type Counted = 'resourceSpans' | 'scopeSpans' | 'spans' | 'attributes' | 'events' | 'links'

/** The limit each message of the trace schema counts against, by message name. */
const COUNTED_AS: Readonly<Record<string, Counted>> = {
  ResourceSpans: 'resourceSpans',
  ScopeSpans: 'scopeSpans',
  Span: 'spans',
  Event: 'events',
  Link: 'links',
  KeyValue: 'attributes'
}

/** How the limits read in a refusal. */
const NAMES: Readonly<Record<Counted | 'protobufFields' | 'jsonValues', string>> = {
  resourceSpans: 'resourceSpans entries',
  scopeSpans: 'scopeSpans entries',
  spans: 'spans',
  attributes: 'attributes',
  events: 'span events',
  links: 'span links',
  protobufFields: 'protobuf fields',
  jsonValues: 'JSON values'
}

/** One field of a message as the walk reads it: its wire type, and the message it holds if any. */
interface FieldPlan {
  wire: number
  child: protobuf.Type | null
  counted: Counted | null
}

const plans = new Map<protobuf.Type, ReadonlyMap<number, FieldPlan>>()

/**
 * The fields of `type`, from the same reflection protobufjs decodes with: the walk and the decoder
 * read every field the same way (a field whose wire type is not its declared one is skipped by
 * both as unknown), so nothing the decoder builds escapes the count.
 */
function planOf(type: protobuf.Type): ReadonlyMap<number, FieldPlan> {
  const known = plans.get(type)
  if (known) return known
  const plan = new Map<number, FieldPlan>()
  for (const f of type.fieldsArray) {
    f.resolve()
    const child = f.resolvedType instanceof protobuf.Type ? f.resolvedType : null
    const basic = (protobuf.types.basic as Record<string, number | undefined>)[f.type]
    plan.set(f.id, {
      wire: child ? 2 : (basic ?? 0),
      child,
      // A list's elements are attributes as much as a map's entries are.
      counted: child
        ? type.name === 'ArrayValue'
          ? 'attributes'
          : (COUNTED_AS[child.name] ?? null)
        : null
    })
  }
  plans.set(type, plan)
  return plan
}

function tooMany(what: Counted | 'protobufFields' | 'jsonValues', limit: number): BodyError {
  return new BodyError(
    413,
    `Export too large: more than ${limit} ${NAMES[what]} (send smaller batches)`
  )
}

/**
 * Measures a protobuf `ExportTraceServiceRequest` (`request` is its type) on the wire, before
 * anything is decoded: walks it with protobufjs's Reader, counting resource and scope entries,
 * spans, attributes, events, links and every field, and the nesting of attribute values.
 * Allocates nothing per field. Throws a BodyError: 413 past a count, 400 for values nested too
 * deep or a body that is not a well-formed message.
 */
export function boundProtobufExport(
  body: Uint8Array,
  request: protobuf.Type,
  limits: ExportLimits = OTLP_EXPORT_LIMITS
): void {
  const counts: Record<Counted | 'protobufFields', number> = {
    resourceSpans: 0,
    scopeSpans: 0,
    spans: 0,
    attributes: 0,
    events: 0,
    links: 0,
    protobufFields: 0
  }
  const r = protobuf.Reader.create(body)
  // Recursion is bounded by the schema's own nesting plus limits.valueDepth: deeper is refused.
  const walk = (type: protobuf.Type, end: number, depth: number): void => {
    const plan = planOf(type)
    while (r.pos < end) {
      const tag = r.tag()
      if (++counts.protobufFields > limits.protobufFields)
        throw tooMany('protobufFields', limits.protobufFields)
      const wire = tag & 7
      // Groups (deprecated, absent from OTLP) would let the skip below recurse without bound.
      if (wire === 3 || wire === 4) throw new Error(`group (wire type ${wire}) at offset ${r.pos}`)
      const field = plan.get(tag >>> 3)
      if (!field?.child || field.wire !== wire) {
        r.skipType(wire, 0, tag >>> 3)
        continue
      }
      const stop = r.uint32() + r.pos
      if (stop > end) throw new Error(`length past the end of its message at offset ${r.pos}`)
      if (field.counted && ++counts[field.counted] > limits[field.counted])
        throw tooMany(field.counted, limits[field.counted])
      const d = field.child.name === 'AnyValue' ? depth + 1 : depth
      if (d > limits.valueDepth)
        throw new BodyError(
          400,
          `Attribute values nested deeper than ${limits.valueDepth} levels (lists and maps in lists and maps)`
        )
      walk(field.child, stop, d)
    }
    if (r.pos !== end) throw new Error(`field runs past the end of its message at offset ${end}`)
  }
  try {
    walk(request, r.len, 0)
  } catch (err) {
    if (err instanceof BodyError) throw err
    throw new BodyError(
      400,
      `Body is not an OTLP ExportTraceServiceRequest: ${(err as Error).message}`
    )
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const COMMA = 0x2c

/**
 * Measures an OTLP/JSON body before JSON.parse builds it: counts, outside strings, the objects and
 * arrays it opens and the separators between their members (each a value JSON.parse allocates).
 * Works on the UTF-8 bytes (every byte counted is ASCII, which UTF-8 never uses inside a
 * multi-byte character) and jumps over strings with indexOf. Throws a 413 BodyError past
 * `limits.jsonValues`; malformed text is left to the parse that follows.
 */
export function boundJsonExport(body: Uint8Array, limits: ExportLimits = OTLP_EXPORT_LIMITS): void {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  let values = 0
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i] as number
    if (c === QUOTE) i = stringEnd(buf, i)
    else if ((c === OPEN_OBJECT || c === OPEN_ARRAY || c === COMMA) && ++values > limits.jsonValues)
      throw tooMany('jsonValues', limits.jsonValues)
  }
}

/** Index of the quote closing the string opened at `open` (the end of `buf` if none does). */
function stringEnd(buf: Buffer, open: number): number {
  for (let from = open + 1; ;) {
    const q = buf.indexOf(QUOTE, from)
    if (q < 0) return buf.length
    // Escaped when an odd number of backslashes precede it.
    let slashes = 0
    while (q - slashes - 1 > open && buf[q - slashes - 1] === BACKSLASH) slashes++
    if (slashes % 2 === 0) return q
    from = q + 1
  }
}

import { createHash } from 'node:crypto'
import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type HrTime,
  type SpanContext
} from '@opentelemetry/api'
import type { Resource } from '@opentelemetry/resources'
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base'

const OTEL_TRACE_ID = /^[0-9a-f]{32}$/
const MAX_ATTRIBUTES = 64
const MAX_STRING = 256

/**
 * The OTel trace id of a mission: an ingested mission keeps the trace it came from (its
 * `otel_trace_id` tag); a native one gets one derived from its id, so a restart or a second
 * export of the same mission lands in the same trace.
 */
export function traceIdOf(missionId: string, tags: Record<string, string> | undefined): string {
  const tagged = tags?.otel_trace_id?.toLowerCase()
  if (tagged && OTEL_TRACE_ID.test(tagged) && !/^0+$/.test(tagged)) return tagged
  return nonZero(
    createHash('sha256').update(`controldeck-trace:${missionId}`).digest('hex').slice(0, 32)
  )
}

/** The span id of an entity (mission, job, attempt), derived from its id for the same reason. */
export function spanIdOf(entityId: string): string {
  return nonZero(
    createHash('sha256').update(`controldeck-span:${entityId}`).digest('hex').slice(0, 16)
  )
}

// An all-zero id is invalid in OTLP; a hash that gives one (never in practice) is nudged.
function nonZero(hex: string): string {
  return /^0+$/.test(hex) ? hex.slice(0, -1) + '1' : hex
}

/** Milliseconds since the epoch as an OTel high-resolution time. */
export function hrTime(ms: number): HrTime {
  const s = Math.floor(ms / 1000)
  return [s, Math.round((ms - s * 1000) * 1e6)]
}

function hrDiff(end: HrTime, start: HrTime): HrTime {
  let s = end[0] - start[0]
  let ns = end[1] - start[1]
  if (ns < 0) {
    s -= 1
    ns += 1e9
  }
  return s < 0 ? [0, 0] : [s, ns]
}

/** Adds `value` under `key` when it is a bounded primitive (OTel attributes are flat). */
export function putAttribute(attrs: Attributes, key: string, value: unknown): void {
  if (Object.keys(attrs).length >= MAX_ATTRIBUTES) return
  if (typeof value === 'string') attrs[key] = value.slice(0, MAX_STRING)
  else if (typeof value === 'number' && Number.isFinite(value)) attrs[key] = value
  else if (typeof value === 'boolean') attrs[key] = value
}

const SUCCESS = new Set(['completed', 'succeeded'])
const NEUTRAL = new Set(['cancelled'])

/** What one exported span is made of (the exporter reads it from the store and the event log). */
export interface SpanInput {
  name: string
  traceId: string
  spanId: string
  parentSpanId: string | null
  startMs: number
  endMs: number
  /** The entity's final state: succeeded/completed is OK, cancelled unset, any other an error. */
  state: string
  /** Why it failed, when the final transition said so. */
  errorMessage: string | null
  attributes: Attributes
  events: Array<{ name: string; timeMs: number; attributes: Attributes }>
}

/** An ended, sampled span as the SDK's processors and exporters take it. */
export function toReadableSpan(
  input: SpanInput,
  resource: Resource,
  scope: { name: string; version: string }
): ReadableSpan {
  const context: SpanContext = {
    traceId: input.traceId,
    spanId: input.spanId,
    traceFlags: TraceFlags.SAMPLED
  }
  const startTime = hrTime(input.startMs)
  const endTime = hrTime(Math.max(input.endMs, input.startMs))
  const status = SUCCESS.has(input.state)
    ? { code: SpanStatusCode.OK }
    : NEUTRAL.has(input.state)
      ? { code: SpanStatusCode.UNSET }
      : {
          code: SpanStatusCode.ERROR,
          message: (input.errorMessage ?? input.state).slice(0, MAX_STRING)
        }
  const events: TimedEvent[] = input.events.map((e) => ({
    name: e.name,
    time: hrTime(e.timeMs),
    attributes: e.attributes
  }))
  return {
    name: input.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext: input.parentSpanId
      ? { traceId: input.traceId, spanId: input.parentSpanId, traceFlags: TraceFlags.SAMPLED }
      : undefined,
    startTime,
    endTime,
    duration: hrDiff(endTime, startTime),
    status,
    attributes: input.attributes,
    links: [],
    events,
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0
  }
}

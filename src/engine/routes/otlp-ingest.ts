import { z } from 'zod'
import { HttpError } from '../http/errors'
import { route, type RouteDef } from '../http/route'
import { Reply } from '../http/router'
import type { EngineModule } from '../module'
import {
  createOtlpIngest,
  OTLP_INGEST_FEATURES,
  OTLP_INGEST_MIGRATIONS,
  type OtlpIngest,
  type OtlpIngestOptions
} from '../otlp/ingest'
import { BodyError, readOtlpBody } from '../otlp/ingest-body'
import type { IngestResult } from '../otlp/ingest-mapper'
import {
  decodeExport,
  encodeResponse,
  encodeStatus,
  UndecodableError,
  type DecodedExport,
  type Encoding
} from '../otlp/ingest-proto'

/** The OTLP/HTTP trace path (absolute: every OTLP exporter appends it to the endpoint). */
export const OTLP_TRACES_PATH = '/v1/traces'

const TraceParams = z.object({
  trace_id: z.string().regex(/^[0-9a-f]{32}$/, 'trace_id must be 32 lowercase hex digits')
})
const SpansQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) })

/**
 * The `otlp` engine module: the OTLP/HTTP trace receiver and the GenAI mapping (docs/otel.md).
 * Ingest needs `execute:job`: an export creates missions, jobs and attempts as an agent does.
 */
export function otlpIngestModule(
  options: Partial<OtlpIngestOptions> = {}
): EngineModule<OtlpIngest> {
  return {
    name: 'otlp',
    features: OTLP_INGEST_FEATURES,
    migrations: OTLP_INGEST_MIGRATIONS,
    attach(ctx) {
      const otlp = createOtlpIngest(ctx.services, ctx.clock, ctx.log, options)
      return {
        handle: otlp,
        routes: otlpIngestRoutes(otlp),
        metrics: otlp.metrics,
        dispose: () => otlp.close()
      }
    }
  }
}

/** `POST /v1/traces` (absolute) and the read side of stored spans. */
export function otlpIngestRoutes(otlp: OtlpIngest): RouteDef[] {
  let decoding = 0
  return [
    route({
      method: 'POST',
      path: OTLP_TRACES_PATH,
      absolute: true,
      rawBody: true,
      permission: 'execute:job',
      handler: async ({ ctx }) => {
        const type = String(ctx.req.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase()
        const enc =
          type === 'application/json'
            ? 'json'
            : type === 'application/x-protobuf'
              ? 'protobuf'
              : null
        if (!enc)
          throw new HttpError(
            415,
            `Unsupported Content-Type '${type.slice(0, 60)}': application/x-protobuf or application/json`
          )
        // Backpressure: bodies being read and decoded hold memory; past the cap the exporter retries.
        if (decoding >= otlp.options.maxConcurrentExports)
          return refusal(429, 'Too many exports in progress; retry later', enc, {
            'Retry-After': '1'
          })
        // The mapper is behind by more than the bound: the exporter retries once it has caught up.
        if (otlp.mapper.backlog >= otlp.options.maxBacklogSpans) {
          // Retry when the mapper should be back under 80 % of the bound (hysteresis: not at once).
          const excess = otlp.mapper.backlog - 0.8 * otlp.options.maxBacklogSpans
          const wait = otlp.loop.rate > 0 ? Math.ceil(excess / otlp.loop.rate) : 1
          return refusal(
            429,
            `${otlp.mapper.backlog} spans are waiting to be mapped; retry later`,
            enc,
            { 'Retry-After': String(Math.min(30, Math.max(1, wait))) }
          )
        }
        decoding++
        otlp.loop.receiveStarted()
        let decoded: DecodedExport
        let result: IngestResult | null = null
        try {
          try {
            const body = await readOtlpBody(ctx.req)
            decoded = decodeExport(body, enc)
          } finally {
            decoding--
          }
          // Stored (one unit, committed before the answer); mapped behind the answer.
          result = otlp.mapper.ingest(decoded.spans)
        } catch (err) {
          // The OTLP/HTTP answer to a refused body: its status and a google.rpc.Status saying why.
          if (err instanceof BodyError) return refusal(err.status, err.message, enc)
          if (err instanceof UndecodableError) return refusal(400, err.message, enc)
          throw err
        } finally {
          otlp.loop.receiveEnded((result?.accepted ?? 0) > 0)
        }
        const rejected = decoded.rejected + result.rejected
        const message = [...decoded.reasons, ...result.reasons].slice(0, 3).join('; ')
        return new Reply(200, encodeResponse(rejected, message, enc), {}, BODY_TYPE[enc])
      }
    }),
    route({
      method: 'GET',
      path: '/otel/traces/:trace_id/spans',
      permission: 'read:lifecycle',
      params: TraceParams,
      query: SpansQuery,
      handler: ({ params, query }) => traceSpans(otlp, params.trace_id, query.limit)
    })
  ]
}

/** How a Reply sends an answer in each encoding: JSON is the Reply's default, protobuf as-is. */
const BODY_TYPE: Readonly<Record<Encoding, string | undefined>> = {
  json: undefined,
  protobuf: 'application/x-protobuf'
}

/**
 * An OTLP/HTTP refusal: its status, and (the spec's MUST for every 4xx and 5xx) a
 * google.rpc.Status saying why in the request's encoding.
 */
function refusal(
  status: number,
  message: string,
  enc: Encoding,
  extra: Record<string, string> = {}
): Reply {
  // As sendError does: a body refused unread must not be parsed as the connection's next request.
  const headers: Record<string, string> = status === 413 ? { ...extra, Connection: 'close' } : extra
  return new Reply(status, encodeStatus(status, message, enc), headers, BODY_TYPE[enc])
}

/**
 * The stored spans of a trace, each with the entity it became or, for a span that became none
 * (HTTP, DB, framework spans), the nearest mapped ancestor it belongs to.
 */
function traceSpans(otlp: OtlpIngest, traceId: string, limit: number): unknown {
  const store = otlp.store
  const trace = store
    .prepare('SELECT mission_id, span_count FROM otlp_traces WHERE trace_id = ?')
    .get(traceId) as { mission_id: string | null; span_count: number } | undefined
  const rows = store
    .prepare(
      `SELECT span_id, parent_span_id, name, op, role, start_ms, end_ms, status_code, status_message, attributes, entity_id
       FROM otlp_spans WHERE trace_id = ? ORDER BY start_ms, span_id LIMIT ?`
    )
    .all(traceId, limit) as Array<
    Record<string, unknown> & {
      span_id: string
      parent_span_id: string | null
      entity_id: string | null
      attributes: string
    }
  >
  const bySpan = new Map(rows.map((r) => [r.span_id, r]))
  // The answer of each span without an entity, kept: a deep chain is walked once, not once per
  // span below it (10,000 spans in one chain were 50 million steps).
  const memo = new Map<string, string | null>()
  const nearest = (r: (typeof rows)[number]): string | null => {
    const path = [r.span_id]
    const onPath = new Set(path)
    let found: string | null = trace?.mission_id ?? null
    for (let p = r.parent_span_id; p;) {
      if (memo.has(p)) {
        found = memo.get(p) ?? null
        break
      }
      const up = bySpan.get(p)
      if (!up) {
        found = null
        break
      }
      if (up.entity_id) {
        found = up.entity_id
        break
      }
      // A cycle of parents reaches no root: the trace's mission, as for a root.
      if (onPath.has(p)) break
      path.push(p)
      onPath.add(p)
      p = up.parent_span_id
    }
    for (const id of path) memo.set(id, found)
    return found
  }
  return {
    trace_id: traceId,
    mission_id: trace?.mission_id ?? null,
    span_count: trace?.span_count ?? 0,
    spans: rows.map((r) => ({
      ...r,
      attributes: JSON.parse(r.attributes) as unknown,
      nearest_entity_id: r.entity_id ?? nearest(r)
    }))
  }
}

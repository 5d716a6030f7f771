import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { suiteEngine } from '../testing/suite'
import {
  HOSTILE_EXPORTS,
  ingestSpan,
  jsonExport,
  jsonSpan,
  nestedValueExport,
  nestedValueJson,
  opAttr,
  postJsonSpans,
  postTraces,
  refusalOf,
  traceWhen,
  withEngine,
  type TraceView
} from './testing'

const TOKEN = 'otlp-ingest-token-hostile-0123456789'
const VIEWER = 'otlp-viewer-token-0123456789abcdef'
const TOKENS = [
  { token: TOKEN, role: 'operator' as const, name: 'otlp-ingest' },
  { token: VIEWER, role: 'viewer' as const }
]
const JSON_TYPE = { 'Content-Type': 'application/json' }
const GZIP = { 'Content-Encoding': 'gzip' }
const MiB = 1024 * 1024

let normalExports = 0

/** The engine answers, and a normal export right after is accepted and stored. */
async function stillServing(t: TestEngine): Promise<void> {
  expect((await t.api('GET', '/capabilities')).status).toBe(200)
  const traceId = (++normalExports).toString(16).padStart(32, 'e')
  const ok = await postJsonSpans(t, TOKEN, [jsonSpan(traceId, '1'.repeat(16), 'GET /')])
  expect(ok.status).toBe(200)
  expect((await t.api('GET', `/otel/traces/${traceId}/spans`)).body.spans).toHaveLength(1)
}

/** One refused body: what it is, how it is sent, and the answer it must get. */
interface Refusal {
  what: string
  body: () => Buffer | string
  headers?: Record<string, string>
  status: number
  /** The message of the answer's google.rpc.Status (OTLP refusals only). */
  says?: RegExp
}

const REFUSALS: readonly Refusal[] = [
  {
    what: 'another content type',
    body: () => 'x',
    headers: { 'Content-Type': 'text/plain' },
    status: 415
  },
  {
    what: 'garbage protobuf',
    body: () => Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    status: 400,
    says: /not an OTLP ExportTraceServiceRequest/
  },
  {
    what: 'binary garbage',
    body: () => Buffer.from('\u00ff\u00fe garbage \u0000\u0001'.repeat(50), 'latin1'),
    status: 400
  },
  {
    what: 'malformed JSON',
    body: () => '{"resourceSpans": [',
    headers: JSON_TYPE,
    status: 400,
    says: /Malformed JSON/
  },
  { what: 'a JSON list', body: () => '[1,2]', headers: JSON_TYPE, status: 400 },
  {
    what: 'JSON nested 10,000 deep',
    body: () => '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
    headers: JSON_TYPE,
    status: 400,
    says: /nested deeper than 75 levels/
  },
  {
    what: 'a body over the wire limit',
    body: () => Buffer.alloc(5 * MiB, 1),
    status: 413,
    says: /Body too large \(limit/
  },
  {
    what: 'a gzip bomb (64 MiB of zeros)',
    body: () => gzipSync(Buffer.alloc(64 * MiB)),
    headers: GZIP,
    status: 413,
    says: /once decompressed/
  },
  {
    what: 'bad gzip',
    body: () => Buffer.from('not gzip'),
    headers: GZIP,
    status: 400,
    says: /not valid gzip/
  },
  {
    what: 'brotli',
    body: () => Buffer.alloc(1),
    headers: { 'Content-Encoding': 'br' },
    status: 415
  },
  ...HOSTILE_EXPORTS.map((h) => ({
    what: h.what,
    body: () => (h.gzip ? gzipSync(h.body()) : h.body()),
    headers: { ...(h.json ? JSON_TYPE : {}), ...(h.gzip ? GZIP : {}) },
    status: h.status,
    says: h.says
  }))
]

/** Hostile and refused exports: each gets its 4xx, and the engine keeps serving. */
describe('OTLP ingest refuses what it must', () => {
  const t = suiteEngine({ tokens: TOKENS })
  const post = (body: Buffer | string, headers: Record<string, string> = {}, token = TOKEN) =>
    postTraces(t, body, { token, headers })

  it('answers 401 without a token, 403 for a viewer, 404 under the API prefix', async () => {
    expect((await postTraces(t, Buffer.alloc(0), { token: null })).status).toBe(401)
    expect((await post(Buffer.alloc(0), {}, 'nope')).status).toBe(401)
    const viewer = await post(Buffer.alloc(0), {}, VIEWER)
    expect(viewer.status).toBe(403)
    expect((await viewer.json()).detail.required_permissions).toEqual(['execute:job'])
    expect((await t.api('POST', '/v1/traces', {})).status).toBe(404)
    // An empty protobuf export is a valid, empty request.
    const empty = await post(Buffer.alloc(0))
    expect(empty.status).toBe(200)
    expect(empty.headers.get('content-type')).toBe('application/x-protobuf')
    await stillServing(t)
  })

  it.each(REFUSALS)('answers $status to $what, then serves a normal export', async (c) => {
    const body = c.body()
    // Small on the wire: what a compressed body expands to is the receiver's problem.
    if (c.headers?.['Content-Encoding'] === 'gzip') expect(body.length).toBeLessThan(MiB)
    const res = await post(body, c.headers)
    expect(res.status).toBe(c.status)
    if (c.says) {
      // OTLP/HTTP: the refusal is a google.rpc.Status in the request's encoding.
      const encoding = c.headers?.['Content-Type'] ?? 'application/x-protobuf'
      expect(res.headers.get('content-type')).toMatch(encoding)
      expect((await refusalOf(res)).message).toMatch(c.says)
    }
    await stillServing(t)
  })

  it('accepts attribute values nested 16 levels deep, the limit', async () => {
    // The span has no ids: decoded, then rejected as a partial success (not a 400).
    expect((await post(nestedValueExport(16))).status).toBe(200)
  })

  it('accepts in OTLP/JSON the attribute values nested 16 levels deep that protobuf accepts', async () => {
    const res = await post(nestedValueJson(16), JSON_TYPE)
    expect(res.status).toBe(200)
    expect((await res.json()).partialSuccess.rejectedSpans).toBe('1')
  })

  it('accepts gzip, and reports bad spans as a partial success', async () => {
    const traceId = 'ab'.repeat(16)
    const good = jsonSpan(traceId, 'cd'.repeat(8), 'chat m', { attributes: [opAttr('chat')] })
    const bad = jsonSpan('zz', '00'.repeat(8), 'x')
    const res = await post(gzipSync(jsonExport([good, bad])), { ...JSON_TYPE, ...GZIP })
    expect(res.status).toBe(200)
    const answer = await res.json()
    expect(answer.partialSuccess.rejectedSpans).toBe('1')
    expect(answer.partialSuccess.errorMessage).toMatch(/invalid trace id/)
    expect((await t.api('GET', `/otel/traces/${traceId}/spans`)).body.spans).toHaveLength(1)
    await stillServing(t)
  })

  it('maps a trace of hundreds of spans over several slices, each job once', async () => {
    const traceId = 'ad'.repeat(16)
    const agent = jsonSpan(traceId, '1'.repeat(16), 'invoke_agent a', {
      attributes: [opAttr('invoke_agent')]
    })
    const chats = Array.from({ length: 400 }, (_, i) =>
      jsonSpan(traceId, (i + 2).toString(16).padStart(16, '0'), 'chat m', {
        parent: '1'.repeat(16),
        attributes: [opAttr('chat')]
      })
    )
    expect((await post(jsonExport([...chats, agent]), JSON_TYPE)).status).toBe(200)
    await t.engine.otlp!.drained()
    const spans = await traceWhen(t, traceId)
    expect(spans.spans.filter((s) => s.entity_id === null)).toHaveLength(0)
    const jobIds = new Set(spans.spans.map((s) => s.entity_id).filter((id) => id?.startsWith('j_')))
    expect(jobIds.size).toBe(400)
    const job = (await t.api('GET', `/identity/job/${[...jobIds][0]}`)).body
    expect((await t.api('GET', `/identity/plan/${job.plan_id}`)).body.plan_type).toBe(
      'invoke_agent'
    )
    expect(
      (await t.api('GET', `/lifecycle/mission/${spans.mission_id}/state`)).body.current_state
    ).toBe('completed')
    await stillServing(t)
  })

  it('serves /v1/traces (only) on the optional second listener', async () => {
    await withEngine({ tokens: TOKENS, otlp: { port: 0 } }, async (two) => {
      const url = two.engine.otlpUrl as string
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/)
      expect(url).not.toBe(two.engine.url + '/v1/traces')
      const headers = { Authorization: `Bearer ${TOKEN}`, ...JSON_TYPE }
      expect((await fetch(url, { method: 'POST', headers, body: '{}' })).status).toBe(200)
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(401)
      expect(
        (await fetch(url.replace('/v1/traces', '/api/neurorail/v1/capabilities'), { headers }))
          .status
      ).toBe(404)
    })
    expect(t.engine.otlpUrl).toBeNull()
  })

  it('maps after a restart what was stored but not yet mapped when the engine stopped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cd-otlp-restart-'))
    try {
      const traceId = 'fe'.repeat(16)
      const first = await startTestEngine({ dir, tokens: TOKENS })
      // Stored through the mapper's own entry, which leaves the mapping to the loop: none runs before the stop.
      first.engine.otlp!.mapper.ingest([ingestSpan(traceId, '1'.repeat(16))])
      await first.engine.services.store.committed()
      await first.stop()
      await withEngine({ dir, tokens: TOKENS }, async (second) => {
        await second.engine.otlp!.drained()
        const spans = await traceWhen(second, traceId)
        expect(spans.mission_id).toMatch(/^m_/)
        expect(spans.spans[0]?.entity_id).toMatch(/^j_/)
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('OTLP ingest with a 1.5 s pending timeout', () => {
  const e = suiteEngine({ tokens: TOKENS, otlp: { pendingTimeoutMs: 1500 } })

  it('maps a span whose parent never comes as an orphan after the pending timeout', async () => {
    const traceId = 'be'.repeat(16)
    const child = jsonSpan(traceId, '3'.repeat(16), 'chat m', {
      parent: '9'.repeat(16),
      attributes: [opAttr('chat')]
    })
    expect((await postJsonSpans(e, TOKEN, [child])).status).toBe(200)
    // Pending at first (the mapper has seen it): its parent may still come.
    await e.engine.otlp!.drained()
    expect((await traceWhen(e, traceId)).spans[0]?.entity_id).toBeNull()
    const mapped = await traceWhen(e, traceId, (v) => v.spans[0]?.entity_id != null)
    const job = (await e.api('GET', `/identity/job/${mapped.spans[0]?.entity_id}`)).body
    expect(job.metadata).toMatchObject({ otel_orphan: true, otel_parent_span_id: '9'.repeat(16) })
    expect((await e.api('GET', `/identity/plan/${job.plan_id}`)).body.plan_type).toBe('otel_trace')
  })

  it('settles spans whose parents form a cycle: orphans after the timeout, others under the mission', async () => {
    const traceId = 'cc'.repeat(16)
    const span = (id: string, parent: string | null, attributes: object[] = []) =>
      jsonSpan(traceId, id.repeat(16), 's' + id, {
        ...(parent ? { parent: parent.repeat(16) } : {}),
        attributes
      })
    const chat = [opAttr('chat')]
    const spans = [
      span('1', null, chat),
      // Two job spans, each the other's parent; two plain spans, likewise.
      span('2', '3', chat),
      span('3', '2', chat),
      span('4', '5'),
      span('5', '4')
    ]
    expect((await postJsonSpans(e, TOKEN, spans)).status).toBe(200)
    const entity = (v: TraceView, id: string) => v.spans.find((x) => x.span_id === id.repeat(16))!
    const body = await traceWhen(
      e,
      traceId,
      (v) => !!entity(v, '2').entity_id && !!entity(v, '3').entity_id
    )
    for (const id of ['2', '3']) {
      const job = (await e.api('GET', `/identity/job/${entity(body, id).entity_id}`)).body
      expect(job.metadata).toMatchObject({ otel_orphan: true })
    }
    expect(entity(body, '4').nearest_entity_id).toBe(body.mission_id)
    expect(entity(body, '5').nearest_entity_id).toBe(body.mission_id)
  })
})

describe('OTLP ingest under its bounds', () => {
  it("rejects spans over a trace's cap as a partial success", async () => {
    await withEngine({ tokens: TOKENS, otlp: { maxSpansPerTrace: 2 } }, async (e) => {
      const traceId = 'cd'.repeat(16)
      const spans = [1, 2, 3].map((i) => jsonSpan(traceId, String(i).repeat(16), 'GET x'))
      const res = await postJsonSpans(e, TOKEN, spans)
      expect((await res.json()).partialSuccess).toMatchObject({ rejectedSpans: '1' })
    })
  })

  it('answers 429 with Retry-After while too many exports are being read', async () => {
    await withEngine({ tokens: TOKENS, otlp: { maxConcurrentExports: 1 } }, async (limited) => {
      // One export whose body never finishes holds the only slot.
      const slow = request(limited.engine.url + '/v1/traces', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/x-protobuf',
          'Content-Length': '100'
        }
      })
      slow.on('error', () => {})
      slow.write(Buffer.alloc(10))
      let res: Response | null = null
      for (let i = 0; i < 200; i++) {
        res = await postTraces(limited, Buffer.alloc(0), { token: TOKEN })
        if (res.status === 429) break
        await new Promise((r) => setTimeout(r, 10))
      }
      expect(res?.status).toBe(429)
      expect(res?.headers.get('retry-after')).toBe('1')
      // OTLP/HTTP: every 4xx carries a google.rpc.Status in the request's encoding.
      expect(res?.headers.get('content-type')).toMatch('application/x-protobuf')
      expect(await refusalOf(res!)).toEqual({
        code: 8,
        message: expect.stringMatching(/Too many exports/)
      })
      slow.destroy()
    })
  })

  it('answers 429 with Retry-After while the unmapped backlog is over its bound, and 200 once drained', async () => {
    await withEngine({ tokens: TOKENS, otlp: { maxBacklogSpans: 2 } }, async (e) => {
      const otlp = e.engine.otlp!
      const traceOf = (n: number) => n.toString(16).padStart(32, '0')
      const chat = (n: number) =>
        jsonSpan(traceOf(n), '1'.repeat(16), 'chat m', { attributes: [opAttr('chat')] })
      // Stored straight through the mapper's own entry (the route would also start mapping them):
      // a backlog of 3 spans, over the bound of 2.
      const stored = otlp.mapper.ingest(
        [1, 2, 3].map((n) => ingestSpan(traceOf(n), '1'.repeat(16)))
      )
      expect(stored.accepted).toBe(3)
      expect(otlp.mapper.backlog).toBe(3)
      const refused = await postJsonSpans(e, TOKEN, [chat(4)])
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect((await refusalOf(refused)).message).toMatch(/3 spans are waiting to be mapped/)
      expect((await traceWhen(e, traceOf(4))).spans).toHaveLength(0)
      await otlp.drained()
      expect(otlp.mapper.backlog).toBe(0)
      expect((await postJsonSpans(e, TOKEN, [chat(4)])).status).toBe(200)
      await otlp.drained()
      for (const n of [1, 2, 3, 4]) {
        const spans = await traceWhen(e, traceOf(n))
        expect(spans.mission_id).toMatch(/^m_/)
        expect(spans.spans[0]?.entity_id).toMatch(/^j_/)
      }
    })
  })
})

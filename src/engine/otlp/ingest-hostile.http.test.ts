import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'

const TOKEN = 'otlp-ingest-token-hostile-0123456789'
const VIEWER = 'otlp-viewer-token-0123456789abcdef'

/** Hostile and refused exports: each gets its 4xx, and the engine keeps serving. */
describe('OTLP ingest refuses what it must', () => {
  let t: TestEngine
  beforeEach(async () => {
    t = await startTestEngine({
      tokens: [
        { token: TOKEN, role: 'operator', name: 'otlp-ingest' },
        { token: VIEWER, role: 'viewer' }
      ]
    })
  })
  afterEach(async () => {
    await t.stop()
  })

  const post = (
    body: Buffer | string,
    headers: Record<string, string> = {},
    token: string | null = TOKEN
  ) =>
    fetch(t.engine.url + '/v1/traces', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-protobuf',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers
      },
      body: typeof body === 'string' ? body : new Uint8Array(body)
    })

  async function stillServing(): Promise<void> {
    expect((await t.api('GET', '/capabilities')).status).toBe(200)
    const ok = await post('{"resourceSpans":[]}', { 'Content-Type': 'application/json' })
    expect(ok.status).toBe(200)
  }

  it('answers 401 without a token, 403 for a viewer, 415 for another type, 404 under the API prefix', async () => {
    expect((await post(Buffer.alloc(0), {}, null)).status).toBe(401)
    expect((await post(Buffer.alloc(0), {}, 'nope')).status).toBe(401)
    const viewer = await post(Buffer.alloc(0), {}, VIEWER)
    expect(viewer.status).toBe(403)
    expect((await viewer.json()).detail.required_permissions).toEqual(['execute:job'])
    expect((await post('x', { 'Content-Type': 'text/plain' })).status).toBe(415)
    expect((await t.api('POST', '/v1/traces', {})).status).toBe(404)
    // An empty protobuf export is a valid, empty request.
    const empty = await post(Buffer.alloc(0))
    expect(empty.status).toBe(200)
    expect(empty.headers.get('content-type')).toBe('application/x-protobuf')
    await stillServing()
  })

  it('answers 400 for garbage protobuf and malformed JSON', async () => {
    expect((await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]))).status).toBe(400)
    expect(
      (await post(Buffer.from('\u00ff\u00fe garbage \u0000\u0001'.repeat(50), 'latin1'))).status
    ).toBe(400)
    expect((await post('{"resourceSpans": [', { 'Content-Type': 'application/json' })).status).toBe(
      400
    )
    expect((await post('[1,2]', { 'Content-Type': 'application/json' })).status).toBe(400)
    await stillServing()
  })

  it('answers 400 for absurdly deep protobuf nesting and deep JSON', async () => {
    // AnyValue → KeyValueList → KeyValue → AnyValue …, 50,000 levels deep: only the headers
    // are written, outermost first (each level's length is known from the one inside it).
    const headers: Buffer[] = []
    let size = 0
    for (let i = 0; i < 50_000; i++) {
      const kvPair = 1 + varint(size).length + size // KeyValue.value
      const list = 1 + varint(kvPair).length + kvPair // KeyValueList.values
      headers.push(
        Buffer.concat([Buffer.from([0x12]), varint(size)]),
        Buffer.concat([Buffer.from([0x0a]), varint(kvPair)]),
        Buffer.concat([Buffer.from([0x32]), varint(list)])
      )
      size = 1 + varint(list).length + list // AnyValue.kvlist_value
    }
    let inner = Buffer.concat(headers.reverse())
    // … as the value of a span attribute: Request.resource_spans → ScopeSpans.spans → Span.attributes → KeyValue.value.
    for (const tag of [0x12, 0x4a, 0x12, 0x12, 0x0a])
      inner = Buffer.concat([Buffer.from([tag]), varint(inner.length), inner])
    const res = await post(inner)
    expect([400, 413]).toContain(res.status)
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)
    expect((await post(deep, { 'Content-Type': 'application/json' })).status).toBe(400)
    await stillServing()
  })

  it('answers 413 over the wire limit and for a gzip bomb, and 400 for bad gzip', async () => {
    const huge = await post(Buffer.alloc(5 * 1024 * 1024, 1))
    expect(huge.status).toBe(413)
    // 64 MiB of zeros compress to ~64 KiB: refused once 16 MiB have been inflated.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(1024 * 1024)
    expect((await post(bomb, { 'Content-Encoding': 'gzip' })).status).toBe(413)
    expect((await post(Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' })).status).toBe(400)
    expect((await post(Buffer.alloc(1), { 'Content-Encoding': 'br' })).status).toBe(415)
    await stillServing()
  })

  it('accepts gzip, and reports bad spans as a partial success', async () => {
    const good = {
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      name: 'chat m',
      attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }]
    }
    const bad = { traceId: 'zz', spanId: '00'.repeat(8), name: 'x' }
    const body = gzipSync(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [good, bad] }] }] })
    )
    const res = await post(body, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
    expect(res.status).toBe(200)
    const answer = await res.json()
    expect(answer.partialSuccess.rejectedSpans).toBe('1')
    expect(answer.partialSuccess.errorMessage).toMatch(/invalid trace id/)
    const spans = await t.api('GET', `/otel/traces/${'ab'.repeat(16)}/spans`)
    expect(spans.body.spans).toHaveLength(1)
    await stillServing()
  })

  it('serves /v1/traces (only) on the optional second listener', async () => {
    const two = await startTestEngine({
      tokens: [{ token: TOKEN, role: 'operator' }],
      otlp: { port: 0 }
    })
    try {
      const url = two.engine.otlpUrl as string
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/)
      expect(url).not.toBe(two.engine.url + '/v1/traces')
      const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }
      expect((await fetch(url, { method: 'POST', headers, body: '{}' })).status).toBe(200)
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(401)
      expect(
        (await fetch(url.replace('/v1/traces', '/api/neurorail/v1/capabilities'), { headers }))
          .status
      ).toBe(404)
    } finally {
      await two.stop()
    }
    expect(t.engine.otlpUrl).toBeNull()
  })

  it('maps a span whose parent never comes as an orphan after the pending timeout', async () => {
    const e = await startTestEngine({
      tokens: [{ token: TOKEN, role: 'operator' }],
      otlp: { pendingTimeoutMs: 1500 }
    })
    try {
      const traceId = 'be'.repeat(16)
      const child = {
        traceId,
        spanId: '3'.repeat(16),
        parentSpanId: '9'.repeat(16),
        name: 'chat m',
        attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }]
      }
      const res = await fetch(e.engine.url + '/v1/traces', {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [child] }] }] })
      })
      expect(res.status).toBe(200)
      // Pending at first (the mapper has seen it): its parent may still come.
      await e.engine.otlp!.drained()
      expect(
        (await e.api('GET', `/otel/traces/${traceId}/spans`)).body.spans[0].entity_id
      ).toBeNull()
      let jobId: string | null = null
      for (let i = 0; i < 400 && !jobId; i++) {
        jobId = (await e.api('GET', `/otel/traces/${traceId}/spans`)).body.spans[0].entity_id
        if (!jobId) await new Promise((r) => setTimeout(r, 25))
      }
      const job = (await e.api('GET', `/identity/job/${jobId}`)).body
      expect(job.metadata).toMatchObject({ otel_orphan: true, otel_parent_span_id: '9'.repeat(16) })
      expect((await e.api('GET', `/identity/plan/${job.plan_id}`)).body.plan_type).toBe(
        'otel_trace'
      )
    } finally {
      await e.stop()
    }
  })

  it('settles spans whose parents form a cycle: orphans after the timeout, others under the mission', async () => {
    const e = await startTestEngine({
      tokens: [{ token: TOKEN, role: 'operator' }],
      otlp: { pendingTimeoutMs: 1500 }
    })
    try {
      const traceId = 'cc'.repeat(16)
      const chat = { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }
      const span = (id: string, parent: string | null, attributes: unknown[] = []) => ({
        traceId,
        spanId: id.repeat(16),
        ...(parent ? { parentSpanId: parent.repeat(16) } : {}),
        name: 's' + id,
        attributes
      })
      const spans = [
        span('1', null, [chat]),
        // Two job spans, each the other's parent; two plain spans, likewise.
        span('2', '3', [chat]),
        span('3', '2', [chat]),
        span('4', '5'),
        span('5', '4')
      ]
      const res = await fetch(e.engine.url + '/v1/traces', {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] })
      })
      expect(res.status).toBe(200)
      const read = async () =>
        (await e.api('GET', `/otel/traces/${traceId}/spans`)).body as {
          mission_id: string
          spans: Array<{ span_id: string; entity_id: string | null; nearest_entity_id: string }>
        }
      let body = await read()
      const mapped = (id: string) => body.spans.find((x) => x.span_id === id.repeat(16))!
      for (let i = 0; i < 400 && !(mapped('2').entity_id && mapped('3').entity_id); i++) {
        await new Promise((r) => setTimeout(r, 25))
        body = await read()
      }
      for (const id of ['2', '3']) {
        const job = (await e.api('GET', `/identity/job/${mapped(id).entity_id}`)).body
        expect(job.metadata).toMatchObject({ otel_orphan: true })
      }
      expect(mapped('4').nearest_entity_id).toBe(body.mission_id)
      expect(mapped('5').nearest_entity_id).toBe(body.mission_id)
    } finally {
      await e.stop()
    }
  })

  it("rejects spans over a trace's cap as a partial success", async () => {
    const e = await startTestEngine({
      tokens: [{ token: TOKEN, role: 'operator' }],
      otlp: { maxSpansPerTrace: 2 }
    })
    try {
      const traceId = 'cd'.repeat(16)
      const spans = [1, 2, 3].map((i) => ({ traceId, spanId: String(i).repeat(16), name: 'GET x' }))
      const res = await fetch(e.engine.url + '/v1/traces', {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] })
      })
      expect((await res.json()).partialSuccess).toMatchObject({ rejectedSpans: '1' })
    } finally {
      await e.stop()
    }
  })

  it('answers 429 with Retry-After while too many exports are being read', async () => {
    const limited = await startTestEngine({
      tokens: [{ token: TOKEN, role: 'operator' }],
      otlp: { maxConcurrentExports: 1 }
    })
    try {
      // One export whose body never finishes holds the only slot.
      const { request } = await import('node:http')
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
        res = await fetch(limited.engine.url + '/v1/traces', {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-protobuf' },
          body: Buffer.alloc(0)
        })
        if (res.status === 429) break
        await new Promise((r) => setTimeout(r, 10))
      }
      expect(res?.status).toBe(429)
      expect(res?.headers.get('retry-after')).toBe('1')
      slow.destroy()
    } finally {
      await limited.stop()
    }
  })

  it('answers 429 with Retry-After while the unmapped backlog is over its bound, and 200 once drained', async () => {
    const e = await startTestEngine({
      tokens: [{ token: TOKEN, role: 'operator' }],
      otlp: { maxBacklogSpans: 2 }
    })
    try {
      const otlp = e.engine.otlp!
      const chat = (n: number) => ({
        traceId: n.toString(16).padStart(32, '0'),
        spanId: '1'.repeat(16),
        name: 'chat m',
        attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }]
      })
      const post = (n: number) =>
        fetch(e.engine.url + '/v1/traces', {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [chat(n)] }] }] })
        })
      // Stored straight through the mapper's own entry (the route would also start mapping them):
      // a backlog of 3 spans, over the bound of 2.
      const stored = otlp.mapper.ingest(
        [1, 2, 3].map((n) => ({
          traceId: chat(n).traceId,
          spanId: '1'.repeat(16),
          parentSpanId: null,
          name: 'chat m',
          kind: 0,
          startMs: 0,
          endMs: 1,
          attributes: { 'gen_ai.operation.name': 'chat' },
          status: { code: 0, message: '' },
          resource: {},
          scope: 'x'
        }))
      )
      expect(stored.accepted).toBe(3)
      expect(otlp.mapper.backlog).toBe(3)
      const refused = await post(4)
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect((await e.api('GET', `/otel/traces/${chat(4).traceId}/spans`)).body.spans).toHaveLength(
        0
      )
      await otlp.drained()
      expect(otlp.mapper.backlog).toBe(0)
      expect((await post(4)).status).toBe(200)
      await otlp.drained()
      for (const n of [1, 2, 3, 4]) {
        const spans = (await e.api('GET', `/otel/traces/${chat(n).traceId}/spans`)).body
        expect(spans.mission_id).toMatch(/^m_/)
        expect(spans.spans[0].entity_id).toMatch(/^j_/)
      }
    } finally {
      await e.stop()
    }
  })

  it('maps a trace of hundreds of spans over several slices, each job once', async () => {
    const traceId = 'ad'.repeat(16)
    const agent = {
      traceId,
      spanId: '1'.repeat(16),
      name: 'invoke_agent a',
      attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }]
    }
    const chats = Array.from({ length: 400 }, (_, i) => ({
      traceId,
      spanId: (i + 2).toString(16).padStart(16, '0'),
      parentSpanId: '1'.repeat(16),
      name: 'chat m',
      attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }]
    }))
    const res = await post(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [...chats, agent] }] }] }),
      { 'Content-Type': 'application/json' }
    )
    expect(res.status).toBe(200)
    await t.engine.otlp!.drained()
    const spans = (await t.api('GET', `/otel/traces/${traceId}/spans`)).body
    expect(
      spans.spans.filter((s: { entity_id: string | null }) => s.entity_id === null)
    ).toHaveLength(0)
    const jobIds = new Set(
      spans.spans
        .map((s: { entity_id: string }) => s.entity_id)
        .filter((id: string) => id.startsWith('j_'))
    )
    expect(jobIds.size).toBe(400)
    expect(
      (
        await t.api(
          'GET',
          `/identity/plan/${(await t.api('GET', `/identity/job/${[...jobIds][0]}`)).body.plan_id}`
        )
      ).body.plan_type
    ).toBe('invoke_agent')
    expect(
      (await t.api('GET', `/lifecycle/mission/${spans.mission_id}/state`)).body.current_state
    ).toBe('completed')
    await stillServing()
  })

  it('maps after a restart what was stored but not yet mapped when the engine stopped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cd-otlp-restart-'))
    try {
      const traceId = 'fe'.repeat(16)
      const first = await startTestEngine({ dir, tokens: [{ token: TOKEN, role: 'operator' }] })
      // Stored through the mapper's own entry, which leaves the mapping to the loop: none runs before the stop.
      first.engine.otlp!.mapper.ingest([
        {
          traceId,
          spanId: '1'.repeat(16),
          parentSpanId: null,
          name: 'chat m',
          kind: 0,
          startMs: 0,
          endMs: 1,
          attributes: { 'gen_ai.operation.name': 'chat' },
          status: { code: 0, message: '' },
          resource: {},
          scope: 'x'
        }
      ])
      await first.engine.services.store.committed()
      await first.stop()
      const second = await startTestEngine({ dir, tokens: [{ token: TOKEN, role: 'operator' }] })
      try {
        await second.engine.otlp!.drained()
        const spans = (await second.api('GET', `/otel/traces/${traceId}/spans`)).body
        expect(spans.mission_id).toMatch(/^m_/)
        expect(spans.spans[0].entity_id).toMatch(/^j_/)
      } finally {
        await second.stop()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

function varint(n: number): Buffer {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return Buffer.from(out)
}

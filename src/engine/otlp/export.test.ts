import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChain, startTestEngine, type TestEngine } from '../testing/harness'
import { otlpExportModule } from '../routes/otlp-export'
import { parseOtlpHeaders, resolveExportConfig } from './export-config'
import { spanIdOf, traceIdOf } from './export-spans'

interface JsonSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  status?: { code?: number; message?: string }
  attributes?: Array<{ key: string; value: Record<string, unknown> }>
  events?: Array<{
    name: string
    attributes?: Array<{ key: string; value: Record<string, unknown> }>
  }>
}

/** A minimal OTLP/HTTP JSON collector on 127.0.0.1 that keeps what it receives. */
async function startReceiver(): Promise<{
  url: string
  spans: JsonSpan[]
  headers: Array<Record<string, unknown>>
  close(): Promise<void>
}> {
  const spans: JsonSpan[] = []
  const headers: Array<Record<string, unknown>> = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let body = Buffer.concat(chunks)
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
      headers.push({ ...req.headers })
      const parsed = JSON.parse(body.toString('utf8')) as {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: JsonSpan[] }> }>
      }
      for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans)
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    headers,
    close: () => new Promise((r) => server.close(() => r()))
  }
}

function attr(span: JsonSpan, key: string): unknown {
  const v = span.attributes?.find((a) => a.key === key)?.value
  return v ? Object.values(v)[0] : undefined
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

describe('OTLP export (otlp-export module)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let t: TestEngine
  beforeAll(async () => {
    receiver = await startReceiver()
    const module = otlpExportModule({
      env: {
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr%20t',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json'
      },
      export: { endpoint: receiver.url, scheduledDelayMs: 50, pollMs: 100 }
    })
    t = await startTestEngine({ modules: [module] })
  })
  afterAll(async () => {
    await t.stop()
    await receiver.close()
  })

  it('exports a mission → job → attempt chain with states, decisions and a derived trace id', async () => {
    const c = await createChain(t, 'llm_call', { budget: { timeout_ms: 5000, max_retries: 1 } })
    const tr = (entity_type: string, entity_id: string, transition: string, metadata?: object) => ({
      entity_type,
      entity_id,
      transition,
      ...(metadata ? { metadata } : {})
    })
    await t.api('POST', '/governor/decide', {
      mission_id: c.missionId,
      job_id: c.jobId,
      job_type: 'llm_call',
      context: {}
    })
    const batch = await t.api('POST', '/lifecycle/batch', {
      transitions: [
        tr('mission', c.missionId, 'create'),
        tr('mission', c.missionId, 'start'),
        tr('job', c.jobId, 'create'),
        tr('job', c.jobId, 'dependencies_met'),
        tr('job', c.jobId, 'start'),
        tr('attempt', c.attemptId, 'create'),
        tr('attempt', c.attemptId, 'start'),
        tr('attempt', c.attemptId, 'fail', { error: 'tool exploded' }),
        tr('job', c.jobId, 'cancel'),
        tr('mission', c.missionId, 'cancel')
      ]
    })
    expect(batch.body.applied).toBe(10)
    await until(
      () => receiver.spans.filter((s) => s.traceId === traceIdOf(c.missionId, {})).length >= 3,
      'three spans'
    )
    const inTrace = receiver.spans.filter((s) => s.traceId === traceIdOf(c.missionId, {}))
    const mission = inTrace.find((s) => s.spanId === spanIdOf(c.missionId))!
    const job = inTrace.find((s) => s.spanId === spanIdOf(c.jobId))!
    const attempt = inTrace.find((s) => s.spanId === spanIdOf(c.attemptId))!
    expect(mission.parentSpanId ?? '').toBe('')
    expect(job.parentSpanId).toBe(spanIdOf(c.missionId))
    expect(attempt.parentSpanId).toBe(spanIdOf(c.jobId))
    expect(attempt.status?.code).toBe(2) // ERROR
    expect(attempt.status?.message).toBe('tool exploded')
    expect(attr(attempt, 'controldeck.state')).toBe('failed_error')
    expect(attr(job, 'controldeck.job_type')).toBe('llm_call')
    expect(attr(job, 'controldeck.budget.timeout_ms')).toBe(5000)
    expect(job.events?.some((e) => e.name === 'governor.decision')).toBe(true)
    expect(attempt.events?.map((e) => e.name)).toEqual([
      'state_transition',
      'state_transition',
      'state_transition'
    ])
    // The headers from OTEL_EXPORTER_OTLP_HEADERS reach the collector, percent-decoded.
    expect(receiver.headers.at(-1)?.['x-api-key']).toBe('s3cr t')
    const status = await t.api('GET', '/otlp/export')
    expect(status.body).toMatchObject({ enabled: true, dropped_spans: 0, failed_spans: 0 })
    expect(status.body.exported_spans).toBeGreaterThanOrEqual(3)
    const metrics = await t.api('GET', '/metrics')
    expect(metrics.text).toMatch(/controldeck_otlp_export_spans_total\{outcome="dropped"\} 0/)
    const caps = await t.api('GET', '/capabilities')
    expect(caps.body.features).toContain('otlp_export')
  })

  it('puts a budget violation on its attempt as an event and attributes', async () => {
    const c = await createChain(t, 'greedy', { budget: { max_llm_tokens: 10 } })
    const move = (entity_type: string, entity_id: string, transitions: string[]) =>
      t.api('POST', '/lifecycle/batch', {
        transitions: transitions.map((transition) => ({ entity_type, entity_id, transition }))
      })
    await move('job', c.jobId, ['create', 'dependencies_met', 'start'])
    await move('attempt', c.attemptId, ['create', 'start'])
    await t.api('POST', '/telemetry/report', { entity_id: c.attemptId, llm_tokens: 50 })
    await t.api('POST', '/lifecycle/attempt/' + c.attemptId + '/transition', {
      transition: 'fail',
      metadata: { error: 'over budget' }
    })
    await until(
      () => receiver.spans.some((s) => s.spanId === spanIdOf(c.attemptId)),
      'the attempt span'
    )
    const span = receiver.spans.find((s) => s.spanId === spanIdOf(c.attemptId))!
    expect(span.events?.some((e) => e.name === 'budget.violation')).toBe(true)
    expect(Number(attr(span, 'controldeck.budget.violations'))).toBeGreaterThanOrEqual(1)
  })

  it('keeps an ingested mission in the trace it came from', async () => {
    const otel = '4bf92f3577b34da6a3ce929d0e0e4736'
    const m = await t.api('POST', '/identity/mission', { tags: { otel_trace_id: otel } })
    await t.api('POST', '/lifecycle/batch', {
      transitions: ['create', 'start', 'fail'].map((transition) => ({
        entity_type: 'mission',
        entity_id: m.body.mission_id,
        transition
      }))
    })
    await until(
      () => receiver.spans.some((s) => s.spanId === spanIdOf(m.body.mission_id)),
      'the mission span'
    )
    expect(receiver.spans.find((s) => s.spanId === spanIdOf(m.body.mission_id))?.traceId).toBe(otel)
  })
})

describe('OTLP export configuration', () => {
  it('is off unless an endpoint is configured, and honours OTEL_SDK_DISABLED', () => {
    expect(resolveExportConfig({}, {}).state).toBe('off')
    expect(
      resolveExportConfig(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }
      ).state
    ).toBe('off')
    const on = resolveExportConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })
    expect(on.state === 'on' && on.config.url).toBe('http://c:4318/v1/traces')
    const specific = resolveExportConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t/x'
      }
    )
    expect(specific.state === 'on' && specific.config.url).toBe('https://t/x')
  })

  it('refuses a bad URL, protocol or header with a reason that never echoes a header value', () => {
    expect(resolveExportConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toEqual({
      state: 'invalid',
      reason: 'the endpoint is not a URL'
    })
    expect(resolveExportConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c' }).state).toBe(
      'invalid'
    )
    expect(
      resolveExportConfig(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }
      ).state
    ).toBe('invalid')
    const bad = resolveExportConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=1,api-key=top%0Asecret'
      }
    )
    expect(bad.state).toBe('invalid')
    expect(JSON.stringify(bad)).not.toContain('secret')
    expect(parseOtlpHeaders('nokey')).toEqual({ ok: false, reason: 'header 1 is not key=value' })
  })

  it('a bad configuration is one log line and the engine keeps serving without export', async () => {
    const lines: Array<Record<string, unknown>> = []
    const t = await startTestEngine({
      quiet: false,
      logger: (e) => lines.push(e as Record<string, unknown>),
      modules: [
        otlpExportModule({
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_HEADERS: '%zz=1' }
        })
      ]
    })
    try {
      expect(
        lines.some(
          (l) =>
            l.level === 'error' &&
            String(l.msg).startsWith('OTLP export off: OTEL_EXPORTER_OTLP_HEADERS')
        )
      ).toBe(true)
      const status = await t.api('GET', '/otlp/export')
      expect(status.body).toMatchObject({ enabled: false })
      expect(status.body.reason).toContain('percent-encoding')
      expect((await t.api('GET', '/capabilities')).body.features).not.toContain('otlp_export')
      expect((await createChain(t)).attemptId).toMatch(/^a_/)
    } finally {
      await t.stop()
    }
  })
})

describe('OTLP export under a stuck collector', () => {
  it('drops what the full queue cannot hold, counts it, and the engine keeps answering', async () => {
    // A collector that accepts connections and never answers.
    const held: Array<import('node:http').ServerResponse> = []
    const server = createServer((_req, res) => held.push(res))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`
    const t = await startTestEngine({
      modules: [
        otlpExportModule({
          export: {
            endpoint: url,
            maxQueueSize: 2,
            maxExportBatchSize: 1,
            scheduledDelayMs: 10,
            exportTimeoutMs: 60_000,
            pollMs: 50
          }
        })
      ]
    })
    try {
      for (let i = 0; i < 8; i++) {
        const m = await t.api('POST', '/identity/mission', { tags: {} })
        const res = await t.api('POST', '/lifecycle/batch', {
          transitions: ['create', 'cancel'].map((transition) => ({
            entity_type: 'mission',
            entity_id: m.body.mission_id,
            transition
          }))
        })
        expect(res.body.applied).toBe(2)
      }
      let status = (await t.api('GET', '/otlp/export')).body
      for (let i = 0; i < 250 && status.dropped_spans === 0; i++) {
        await new Promise((r) => setTimeout(r, 20))
        status = (await t.api('GET', '/otlp/export')).body
      }
      expect(status.dropped_spans).toBeGreaterThan(0)
      expect(status.queued).toBeLessThanOrEqual(2)
      expect((await t.api('GET', '/metrics')).text).toMatch(
        /controldeck_otlp_export_spans_total\{outcome="dropped"\} [1-9]/
      )
    } finally {
      await t.stop()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })
})

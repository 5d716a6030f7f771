// The export against a real OTLP receiver: engine A ingests an agent's OpenTelemetry trace and
// exports its governed chain (OTLP/protobuf, the SDK's exporter) to engine B's /v1/traces, which
// maps it like any instrumented agent's: same trace id, a chat job with its model and tokens, and
// the failing tool.
import { context as otelContext, SpanStatusCode, trace } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { otlpExportModule } from '../routes/otlp-export'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { sdkProvider } from './testing'

let a: TestEngine
let b: TestEngine

beforeAll(async () => {
  b = await startTestEngine()
  a = await startTestEngine({
    modules: [
      otlpExportModule({
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: b.engine.url,
          OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${b.engine.adminToken}`
        },
        export: { scheduledDelayMs: 50, pollMs: 100 }
      })
    ]
  })
})
afterAll(async () => {
  await a?.stop()
  await b?.stop()
})

/** invoke_agent → chat (120 in, 80 out) → a failing execute_tool, exported to `url` by the real SDK. */
async function agentTrace(url: string, token: string): Promise<string> {
  const provider = sdkProvider(
    'roundtrip-agent',
    new OTLPTraceExporter({ url, headers: { Authorization: `Bearer ${token}` } })
  )
  const tracer = provider.getTracer('roundtrip')
  const root = tracer.startSpan('invoke_agent researcher', {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'researcher' }
  })
  const inRoot = trace.setSpan(otelContext.active(), root)
  tracer
    .startSpan(
      'chat gpt-4o-mini',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.provider.name': 'openai',
          'gen_ai.usage.input_tokens': 120,
          'gen_ai.usage.output_tokens': 80
        }
      },
      inRoot
    )
    .end()
  const tool = tracer.startSpan(
    'execute_tool web_search',
    { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'web_search' } },
    inRoot
  )
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'search timed out' })
  tool.end()
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' })
  root.end()
  await provider.shutdown()
  return root.spanContext().traceId
}

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await read()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe("OTLP export to a second engine's receiver", () => {
  it('B maps what A exports: the same trace, the chat job with model and tokens, the failed tool', async () => {
    const traceId = await agentTrace(`${a.engine.url}/v1/traces`, a.engine.adminToken)
    const onB = await until(async () => {
      const missions = (await b.api('GET', '/identity/missions?limit=50')).body.items as Array<{
        mission_id: string
        tags: Record<string, string>
      }>
      return missions.find((m) => m.tags.otel_trace_id === traceId)
    }, 'the mission on B')
    const jobs = await until(async () => {
      const items = (await b.api('GET', `/identity/jobs?mission_id=${onB.mission_id}&limit=50`))
        .body.items as Array<{
        job_type: string
        current_state: string
        metadata: Record<string, unknown>
      }>
      return items.length >= 2 ? items : undefined
    }, 'two jobs on B')
    const chat = jobs.find((j) => j.job_type === 'chat')!
    expect(chat.metadata).toMatchObject({
      model: 'gpt-4o-mini',
      provider: 'openai',
      input_tokens: 120,
      output_tokens: 80
    })
    const tool = jobs.find((j) => j.job_type === 'execute_tool:web_search')!
    expect(tool.current_state).toBe('failed_mechanical')
    // A's spans carry the GenAI attributes B mapped them by; nothing failed or was dropped.
    const status = (await a.api('GET', '/otlp/export')).body
    expect(status).toMatchObject({
      enabled: true,
      protocol: 'http/protobuf',
      failed_spans: 0,
      dropped_spans: 0
    })
    expect(status.exported_spans).toBeGreaterThanOrEqual(5)
  })
})

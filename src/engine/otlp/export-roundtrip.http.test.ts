// The export against a real OTLP receiver: engine A ingests an agent's OpenTelemetry trace and
// exports its governed chain (OTLP/protobuf, the SDK's exporter) to engine B's /v1/traces, which
// maps it like any instrumented agent's: same trace id, a chat job with its model and tokens, and
// the failing tool.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { otlpExportModule } from '../routes/otlp-export'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { exportAgentTrace } from './testing'

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
    const traceId = await exportAgentTrace(
      new OTLPTraceExporter({
        url: `${a.engine.url}/v1/traces`,
        headers: { Authorization: `Bearer ${a.engine.adminToken}` }
      }),
      false
    )
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
      model: 'gpt-4o-2024-08-06',
      provider: 'openai',
      input_tokens: 120,
      output_tokens: 80
    })
    const tool = jobs.find((j) => j.job_type === 'execute_tool:get_weather')!
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

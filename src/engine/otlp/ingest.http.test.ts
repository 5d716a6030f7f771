/* eslint-disable @typescript-eslint/no-explicit-any -- REST answers read field by field */
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { eachTestEngine } from '../testing/suite'
import { exportAgentTrace, jsonExport, kv, postTraces } from './testing'

const INGEST_TOKEN = 'otlp-ingest-token-0123456789abcdef'

/** The entities a trace became, keyed by span id (ids of entities differ between engines). */
async function entitiesOf(t: TestEngine, traceId: string) {
  // Mapping runs behind the receiver's answer: wait until it has caught up.
  await t.engine.otlp!.drained()
  const spans = await t.api('GET', `/otel/traces/${traceId}/spans`)
  expect(spans.status).toBe(200)
  const missionId = spans.body.mission_id as string
  const mission = await t.api('GET', `/identity/mission/${missionId}`)
  const state = await t.api('GET', `/lifecycle/mission/${missionId}/state`)
  const jobs = (await t.api('GET', `/identity/jobs?mission_id=${missionId}&limit=100`)).body
    .items as any[]
  const attempts = (await t.api('GET', `/identity/attempts?mission_id=${missionId}&limit=100`)).body
    .items as any[]
  let tokens = 0
  const jobView = []
  for (const j of jobs) {
    const job = (await t.api('GET', `/identity/job/${j.job_id}`)).body
    const js = (await t.api('GET', `/lifecycle/job/${j.job_id}/state`)).body.current_state
    const a = attempts.filter((x) => x.job_id === j.job_id)
    const as = []
    for (const x of a) {
      const m = (await t.api('GET', `/telemetry/metrics/${x.attempt_id}`)).body
      tokens += m.llm_tokens_consumed
      as.push({
        state: (await t.api('GET', `/lifecycle/attempt/${x.attempt_id}/state`)).body.current_state,
        tokens: m.llm_tokens_consumed,
        cost: m.cost_credits
      })
    }
    jobView.push({
      span: job.metadata.otel_span_id,
      type: job.job_type,
      state: js,
      attempts: as,
      error: job.metadata.error ?? null,
      model: job.metadata.model ?? null,
      provider: job.metadata.provider ?? null,
      cost_known: job.metadata.cost_known ?? null,
      content: 'gen_ai.input.messages' in (job.metadata.otel_attributes ?? {})
    })
  }
  jobView.sort((a, b) => String(a.span).localeCompare(String(b.span)))
  const others = (spans.body.spans as any[])
    .filter((s) => s.role === 'other')
    .map((s) => ({ name: s.name, nearest: s.nearest_entity_id ? 'mapped' : null }))
  return {
    tags: mission.body.tags,
    state: state.body.current_state,
    jobs: jobView,
    tokens,
    spanCount: spans.body.span_count,
    others
  }
}

describe('OTLP ingest over HTTP from the real OpenTelemetry SDK', () => {
  const t = eachTestEngine({
    tokens: [{ token: INGEST_TOKEN, role: 'operator', name: 'otlp-ingest' }]
  })

  for (const [name, make] of [
    [
      'protobuf',
      () =>
        new ProtoExporter({
          url: t.engine.url + '/v1/traces',
          headers: { Authorization: `Bearer ${INGEST_TOKEN}` }
        })
    ],
    [
      'json',
      () =>
        new JsonExporter({
          url: t.engine.url + '/v1/traces',
          headers: { Authorization: `Bearer ${INGEST_TOKEN}` }
        })
    ]
  ] as const) {
    for (const batch of [false, true]) {
      it(`maps an agent trace exported as ${name} with a ${batch ? 'batch' : 'simple'} processor`, async () => {
        const traceId = await exportAgentTrace(make(), batch)
        const e = await entitiesOf(t, traceId)
        expect(e.tags).toMatchObject({
          otel_trace_id: traceId,
          agent_name: 'weather-bot',
          conversation_id: 'conv-42',
          service_name: 'weather-service'
        })
        expect(e.state).toBe('completed')
        expect(e.tokens).toBe(200)
        expect(e.spanCount).toBe(4)
        const chat = e.jobs.find((j) => j.type === 'chat')
        expect(chat).toMatchObject({
          state: 'succeeded',
          model: 'gpt-4o-2024-08-06',
          provider: 'openai',
          cost_known: true,
          content: false
        })
        expect(chat?.attempts[0]).toMatchObject({ state: 'succeeded', tokens: 200 })
        // 120 × $2.5/M + 80 × $10/M
        expect(chat?.attempts[0]?.cost).toBeCloseTo(0.0011, 10)
        const tool = e.jobs.find((j) => j.type === 'execute_tool:get_weather')
        expect(tool).toMatchObject({
          state: 'failed_mechanical',
          error: 'weather service unreachable'
        })
        expect(tool?.attempts[0]?.state).toBe('failed_error')
        // The HTTP span is kept, on the agent's plan (its nearest mapped ancestor).
        expect(e.others).toEqual([{ name: 'GET api.weather.example', nearest: 'mapped' }])
      })
    }
  }

  it('converges whatever the order, and a retried export duplicates nothing', async () => {
    const traceId = 'aa'.repeat(16)
    const spans = agentTraceJson(traceId)
    const post = (engine: TestEngine, list: object[]) =>
      postTraces(engine, jsonExport(list, [kv('service.name', 'weather-service')]), {
        token: INGEST_TOKEN,
        headers: { 'Content-Type': 'application/json' }
      }).then(async (r) => ({ status: r.status, body: await r.json() }))
    // Reference: the whole trace in one export, parents first.
    const ref = await startTestEngine({ tokens: [{ token: INGEST_TOKEN, role: 'operator' }] })
    try {
      expect((await post(ref, spans)).status).toBe(200)
      const reference = await entitiesOf(ref, traceId)
      // Here: children before parents, one span per request, then the whole export again.
      for (const order of [
        [3, 2, 1, 0],
        [2, 0, 3, 1]
      ]) {
        for (const i of order) expect((await post(t, [spans[i]!])).status).toBe(200)
      }
      const again = await post(t, spans)
      expect(again).toEqual({ status: 200, body: {} })
      expect(await entitiesOf(t, traceId)).toEqual(reference)
      const jobs = (await t.api('GET', '/identity/jobs?limit=100')).body.items
      expect(jobs).toHaveLength(2)
    } finally {
      await ref.stop()
    }
  })
})

/** The agent trace of runAgent as OTLP/JSON spans: agent, chat, an HTTP span, and the tool under it. */
function agentTraceJson(traceId: string): object[] {
  const t0 = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n
  const span = (
    id: string,
    parent: string,
    name: string,
    attrs: object[],
    start: number,
    status?: object
  ) => ({
    traceId,
    spanId: id.repeat(16),
    ...(parent ? { parentSpanId: parent.repeat(16) } : {}),
    name,
    kind: 1,
    startTimeUnixNano: String(t0 + BigInt(start) * 1_000_000n),
    endTimeUnixNano: String(t0 + BigInt(start + 5) * 1_000_000n),
    attributes: attrs,
    ...(status ? { status } : {})
  })
  return [
    span(
      '1',
      '',
      'invoke_agent weather-bot',
      [
        kv('gen_ai.operation.name', 'invoke_agent'),
        kv('gen_ai.agent.name', 'weather-bot'),
        kv('gen_ai.conversation.id', 'conv-42')
      ],
      0
    ),
    span(
      '2',
      '1',
      'chat gpt-4o',
      [
        kv('gen_ai.operation.name', 'chat'),
        kv('gen_ai.provider.name', 'openai'),
        kv('gen_ai.response.model', 'gpt-4o-2024-08-06'),
        kv('gen_ai.usage.input_tokens', 120),
        kv('gen_ai.usage.output_tokens', 80)
      ],
      1
    ),
    span('3', '1', 'GET api.weather.example', [kv('http.request.method', 'GET')], 2),
    span(
      '4',
      '3',
      'execute_tool get_weather',
      [
        kv('gen_ai.operation.name', 'execute_tool'),
        kv('gen_ai.tool.name', 'get_weather'),
        kv('error.type', 'ToolError')
      ],
      3,
      { code: 2, message: 'weather service unreachable' }
    )
  ]
}

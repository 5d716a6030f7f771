/* eslint-disable @typescript-eslint/no-explicit-any -- REST answers read field by field */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestEngine, type TestEngine } from '../testing/harness'

const TOKEN = 'otlp-ingest-token-governance-012345'

function toolSpan(n: number, failed: boolean): object {
  return {
    traceId: (n + 1).toString(16).padStart(32, '0'),
    spanId: '1'.repeat(16),
    name: 'execute_tool get_weather',
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
      { key: 'gen_ai.tool.name', value: { stringValue: 'get_weather' } }
    ],
    ...(failed ? { status: { code: 2, message: 'unreachable' } } : {})
  }
}

/** Governance after the fact: ingested failures feed the breakers of their job type (= tool). */
describe('governance of OTLP-ingested runs', () => {
  let t: TestEngine
  beforeEach(async () => {
    t = await startTestEngine({ tokens: [{ token: TOKEN, role: 'operator' }] })
  })
  afterEach(async () => {
    await t.stop()
  })

  it('counts ingested tool failures per tool, and records (cannot refuse) a call made while open', async () => {
    const post = (spans: object[]) =>
      fetch(t.engine.url + '/v1/traces', {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] })
      })
    let circuit: any = null
    for (let n = 0; n < 30 && circuit?.state !== 'open'; n++) {
      expect((await post([toolSpan(n, true)])).status).toBe(200)
      await t.engine.otlp!.drained()
      const circuits = (await t.api('GET', '/reflex/circuits')).body.circuits as any[]
      circuit = circuits.find((c) => JSON.stringify(c).includes('execute_tool:get_weather')) ?? null
    }
    expect(circuit?.state).toBe('open')
    // The next call already happened: it is recorded, as a job governance would have refused.
    expect((await post([toolSpan(99, false)])).status).toBe(200)
    await t.engine.otlp!.drained()
    const spans = await t.api('GET', `/otel/traces/${(100).toString(16).padStart(32, '0')}/spans`)
    const jobId = spans.body.spans[0].entity_id as string
    const history = (await t.api('GET', `/lifecycle/job/${jobId}/history`)).body
    const last = (history.transitions ?? history.history ?? history).at(-1)
    expect(last.to_state).toBe('cancelled')
    expect(last.metadata.otel_refused_by).toBe('NR-E140')
  })

  it('evaluates budgets on ingested usage: a violation is recorded against the job of the trace', async () => {
    const manifest = {
      name: 'caps',
      version: '1',
      description: 'chat capped at 150 tokens',
      rules: [
        {
          id: 'chat-cap',
          priority: 1,
          match: { job_type: 'chat' },
          mode: 'rail',
          budget: { max_llm_tokens: 150 }
        },
        { id: 'rest', priority: 2, mode: 'direct' }
      ]
    }
    expect((await t.api('PUT', '/governor/manifests/active', manifest)).status).toBe(200)
    const traceId = 'cafe'.repeat(8)
    const chat = {
      traceId,
      spanId: '2'.repeat(16),
      name: 'chat gpt-4o',
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '120' } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: '80' } }
      ]
    }
    const res = await fetch(t.engine.url + '/v1/traces', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [chat] }] }] })
    })
    expect(res.status).toBe(200)
    await t.engine.otlp!.drained()
    const spans = (await t.api('GET', `/otel/traces/${traceId}/spans`)).body
    const jobId = spans.spans[0].entity_id as string
    // The violation is recorded after the report commits (a follow-up): wait for it.
    let items: any[] = []
    for (let i = 0; i < 100 && items.length === 0; i++) {
      items = (await t.api('GET', `/budget/violations?job_id=${jobId}`)).body.items
      if (items.length === 0) await new Promise((r) => setTimeout(r, 20))
    }
    expect(items[0]).toMatchObject({
      job_id: jobId,
      violation_type: 'tokens',
      mission_id: spans.mission_id
    })
    // Nothing to stop: the call had already ended, so the job keeps the span's outcome.
    expect((await t.api('GET', `/lifecycle/job/${jobId}/state`)).body.current_state).toBe(
      'succeeded'
    )
  })
})

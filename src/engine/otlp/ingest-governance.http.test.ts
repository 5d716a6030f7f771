/* eslint-disable @typescript-eslint/no-explicit-any -- REST answers read field by field */
import { describe, expect, it } from 'vitest'
import { eachTestEngine } from '../testing/suite'
import { jsonSpan, kv, opAttr, postJsonSpans } from './testing'

const TOKEN = 'otlp-ingest-token-governance-012345'

function toolSpan(n: number, failed: boolean): object {
  return jsonSpan(
    (n + 1).toString(16).padStart(32, '0'),
    '1'.repeat(16),
    'execute_tool get_weather',
    {
      attributes: [opAttr('execute_tool'), kv('gen_ai.tool.name', 'get_weather')],
      ...(failed ? { status: { code: 2, message: 'unreachable' } } : {})
    }
  )
}

/** Governance after the fact: ingested failures feed the breakers of their job type (= tool). */
describe('governance of OTLP-ingested runs', () => {
  const t = eachTestEngine({ tokens: [{ token: TOKEN, role: 'operator' }] })
  const post = (spans: object[]) => postJsonSpans(t, TOKEN, spans)

  it('counts ingested tool failures per tool, and records (cannot refuse) a call made while open', async () => {
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
    const chat = jsonSpan(traceId, '2'.repeat(16), 'chat gpt-4o', {
      attributes: [
        opAttr('chat'),
        kv('gen_ai.usage.input_tokens', 120),
        kv('gen_ai.usage.output_tokens', 80)
      ]
    })
    expect((await post([chat])).status).toBe(200)
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

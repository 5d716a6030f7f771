// The agent SDK's OpenTelemetry spans, through the real OpenTelemetry JS SDK (an in-memory
// exporter standing for the team's pipeline), against the embedded engine on 127.0.0.1.
import * as api from '@opentelemetry/api'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor
} from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, NonRetriableError, type ControlDeckAgent } from '../../../agent'
import { startTempEngine, type TempEngine } from '../testing/temp-engine'

let tmp: TempEngine
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })

beforeAll(async () => {
  tmp = await startTempEngine('controldeck-sdk-otel-', { rateLimit: false })
})
afterAll(async () => {
  await provider.shutdown()
  await tmp?.close()
})

async function agentWith(otel: boolean): Promise<ControlDeckAgent> {
  return connect({
    url: tmp.engine.url,
    token: tmp.engine.adminToken,
    handleSignals: false,
    backoff: { baseDelayMs: 5, maxDelayMs: 20 },
    ...(otel ? { otel: { api, tracer: provider.getTracer('test-agent') } } : {})
  })
}

describe('agent SDK with OpenTelemetry', () => {
  it('emits invoke_agent → chat (120 in, 80 out) and a failing execute_tool, with GenAI attributes', async () => {
    const agent = await agentWith(true)
    try {
      const mission = await agent.mission({ tags: { agent: 'researcher' } })
      const plan = await mission.plan()
      await plan.job(
        'llm_call',
        {},
        async (ctx) => {
          await ctx.reportUsage({ inputTokens: 120, outputTokens: 80 })
          return 'ok'
        },
        { genAi: { operation: 'chat', model: 'gpt-4o-mini', provider: 'openai' } }
      )
      await expect(
        plan.job(
          'tool_call',
          { max_retries: 0 },
          () => {
            throw new NonRetriableError('search is down')
          },
          { tool: 'web_search' }
        )
      ).rejects.toThrow('search is down')
      await mission.fail(new Error('tool failed'))
    } finally {
      await agent.close()
    }
    const spans = exporter.getFinishedSpans()
    const root = spans.find((s) => s.name === 'invoke_agent researcher')!
    const chat = spans.find((s) => s.name === 'chat gpt-4o-mini')!
    const tool = spans.find((s) => s.name === 'execute_tool web_search')!
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'researcher'
    })
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 80,
      'controldeck.llm_tokens': 200
    })
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'web_search'
    })
    expect(tool.status.code).toBe(api.SpanStatusCode.ERROR)
    expect(tool.status.message).toContain('search is down')
    expect(tool.attributes['error.type']).toBeDefined()
    // One trace: both jobs are children of the mission's span.
    for (const child of [chat, tool]) {
      expect(child.spanContext().traceId).toBe(root.spanContext().traceId)
      expect(child.parentSpanContext?.spanId).toBe(root.spanContext().spanId)
    }
    expect(chat.events.map((e) => e.name)).toEqual([
      'controldeck.attempt.start',
      'controldeck.attempt.end'
    ])
    // The engine counted the same 200 tokens.
    const jobs = (await (
      await fetch(`${tmp.engine.baseUrl}/identity/jobs?job_type=llm_call`, {
        headers: { Authorization: `Bearer ${tmp.engine.adminToken}` }
      })
    ).json()) as { items: Array<{ job_id: string }> }
    expect(jobs.items.length).toBe(1)
  })

  it('works without OpenTelemetry at all (no otel option, nothing emitted)', async () => {
    exporter.reset()
    const agent = await agentWith(false)
    try {
      const plan = await (await agent.mission()).plan()
      expect(
        await plan.job('llm_call', {}, async (ctx) => {
          await ctx.reportUsage({ llmTokens: 5 })
          return 42
        })
      ).toBe(42)
    } finally {
      await agent.close()
    }
    expect(exporter.getFinishedSpans()).toEqual([])
  })

  it('never fails a job because OpenTelemetry is broken (no tracer, no context manager)', async () => {
    const fail = (what: string) => () => {
      throw new Error(`${what} is broken`)
    }
    // What an absent or broken provider looks like to the SDK: every call throws.
    const broken = {
      trace: { getTracer: fail('getTracer'), setSpan: fail('setSpan') },
      context: { active: fail('active'), with: fail('with') }
    }
    const agent = await connect({
      url: tmp.engine.url,
      token: tmp.engine.adminToken,
      handleSignals: false,
      otel: { api: broken }
    })
    try {
      const plan = await (await agent.mission({ tags: { agent: 'untraced' } })).plan()
      expect(await plan.job('llm_call', {}, async () => 'done')).toBe('done')
    } finally {
      await agent.close()
    }
  })
})

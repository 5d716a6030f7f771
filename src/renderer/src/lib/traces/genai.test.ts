import { describe, expect, it } from 'vitest'
import { genAiLine, genAiOf } from './genai'

describe('genAiOf: GenAI facts of native and OTel-ingested records', () => {
  it('reads an ingested chat job (semantic-convention keys in metadata)', () => {
    const job = {
      job_type: 'chat',
      metadata: {
        otel_span_id: 'ab',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 80
      }
    }
    expect(genAiOf(job)).toMatchObject({
      model: 'gpt-4o',
      provider: 'openai',
      inputTokens: 120,
      outputTokens: 80,
      ingested: true
    })
    expect(genAiLine(job)).toBe('gpt-4o · openai · 120 in / 80 out tokens')
  })

  it('reads the tool of an execute_tool job from its type, and a mission from its tags', () => {
    expect(genAiOf({ job_type: 'execute_tool:web_search', metadata: {} }).tool).toBe('web_search')
    expect(genAiLine({ job_type: 'execute_tool:web_search', metadata: {} })).toBe('')
    expect(genAiLine({ job_type: 'search', metadata: { tool: 'web_search' } })).toBe(
      'tool web_search'
    )
    const mission = {
      tags: { otel_trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', 'gen_ai.agent.name': 'researcher' }
    }
    expect(genAiOf(mission)).toMatchObject({
      agent: 'researcher',
      otelTraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      ingested: true
    })
  })

  it('says nothing for a native record without GenAI fields, and survives junk', () => {
    expect(genAiLine({ job_type: 'llm_call', metadata: { budget: {} } })).toBe('')
    expect(genAiOf(null).ingested).toBe(false)
    expect(genAiOf({ metadata: { model: 42, 'gen_ai.usage.input_tokens': 'many' } })).toMatchObject(
      { model: null, inputTokens: null }
    )
  })
})

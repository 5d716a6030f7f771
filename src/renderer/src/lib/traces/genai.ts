/**
 * What an entity's record says in GenAI terms: the model, provider, tool and tokens an
 * OTel-ingested span carried (its metadata, or a mission's tags) or the SDK recorded, so lists,
 * the trace tree and the details show them the same way for native and ingested runs.
 */
export interface GenAiFacts {
  model: string | null
  provider: string | null
  tool: string | null
  agent: string | null
  inputTokens: number | null
  outputTokens: number | null
  /** The OTel trace the entity came from (ingested), or null for a native one. */
  otelTraceId: string | null
  /** Whether the entity was mapped from an OpenTelemetry span rather than made by an agent asking first. */
  ingested: boolean
}

function pick(bag: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = bag[k]
    if (typeof v === 'string' && v !== '') return v
  }
  return null
}

function pickNumber(bag: Record<string, unknown>, keys: readonly string[]): number | null {
  for (const k of keys) {
    const v = bag[k]
    if (typeof v === 'number' && Number.isFinite(v)) return v
  }
  return null
}

/** Reads the GenAI facts of a mission, plan, job or attempt record (unknown fields are null). */
export function genAiOf(record: unknown): GenAiFacts {
  const r = (record && typeof record === 'object' ? record : {}) as Record<string, unknown>
  const metadata = (r.metadata && typeof r.metadata === 'object' ? r.metadata : {}) as Record<
    string,
    unknown
  >
  const tags = (r.tags && typeof r.tags === 'object' ? r.tags : {}) as Record<string, unknown>
  const bag = { ...tags, ...metadata }
  const jobType = typeof r.job_type === 'string' ? r.job_type : ''
  const otelTraceId = pick(bag, ['otel_trace_id'])
  return {
    model: pick(bag, [
      'gen_ai.request.model',
      'gen_ai.response.model',
      'model',
      'request_model',
      'response_model'
    ]),
    provider: pick(bag, ['gen_ai.provider.name', 'provider', 'gen_ai.system']),
    tool:
      pick(bag, ['gen_ai.tool.name', 'tool_name', 'tool']) ??
      (jobType.startsWith('execute_tool:') ? jobType.slice('execute_tool:'.length) : null),
    agent: pick(bag, ['gen_ai.agent.name', 'agent_name', 'agent']),
    inputTokens: pickNumber(bag, ['gen_ai.usage.input_tokens', 'input_tokens']),
    outputTokens: pickNumber(bag, ['gen_ai.usage.output_tokens', 'output_tokens']),
    otelTraceId,
    ingested: otelTraceId !== null || pick(bag, ['otel_span_id']) !== null
  }
}

/** A short line for lists and the trace tree: `gpt-4o · openai`, `tool web_search`, or ''. */
export function genAiLine(record: unknown): string {
  const g = genAiOf(record)
  const parts: string[] = []
  if (g.model) parts.push(g.model)
  if (g.provider) parts.push(g.provider)
  // An ingested tool job's type already names it (`execute_tool:web_search`).
  const jobType =
    record && typeof record === 'object' ? (record as { job_type?: unknown }).job_type : undefined
  if (g.tool && jobType !== `execute_tool:${g.tool}`) parts.push(`tool ${g.tool}`)
  if (g.inputTokens !== null || g.outputTokens !== null)
    parts.push(`${g.inputTokens ?? 0} in / ${g.outputTokens ?? 0} out tokens`)
  return parts.join(' · ')
}

import type { IngestSpan } from './ingest-proto'

/** GenAI operations that become plans (an agent or workflow run). */
export const PLAN_OPS = new Set(['invoke_agent', 'create_agent', 'invoke_workflow', 'plan'])
/** GenAI operations that become a job with one attempt. */
export const JOB_OPS = new Set([
  'chat',
  'generate_content',
  'text_completion',
  'embeddings',
  'retrieval',
  'execute_tool'
])

/** What a span becomes: a plan, a job, or nothing of its own (kept on its nearest entity). */
export type SpanRole = 'plan' | 'job' | 'other'

/**
 * Attributes that carry message contents (prompts, completions, tool arguments and results):
 * never stored unless the operator turns content capture on.
 */
const CONTENT_KEY =
  /^gen_ai\.(input\.messages|output\.messages|system_instructions|tool\.call\.(arguments|result)|prompt|completion|tool\.definitions)(\.|$)/

/** The span's GenAI operation: `gen_ai.operation.name`, else its name's first word if that is one. */
export function operationOf(span: IngestSpan): string | null {
  const op = span.attributes['gen_ai.operation.name']
  if (typeof op === 'string' && op) return op.slice(0, 64)
  const first = span.name.split(' ')[0] ?? ''
  return PLAN_OPS.has(first) || JOB_OPS.has(first) ? first : null
}

/** The role of a span with operation `op`. */
export function roleOf(op: string | null): SpanRole {
  if (op && PLAN_OPS.has(op)) return 'plan'
  if (op && JOB_OPS.has(op)) return 'job'
  return 'other'
}

/** The span's attributes without message contents (unless `capture`). */
export function keptAttributes(span: IngestSpan, capture: boolean): Record<string, unknown> {
  if (capture) return span.attributes
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(span.attributes)) if (!CONTENT_KEY.test(k)) out[k] = v
  return out
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v.slice(0, 256) : null
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0
}

/** The GenAI facts of a span the entities carry (model, provider, tool, tokens, failure). */
export interface GenAiFacts {
  model: string | null
  requestModel: string | null
  provider: string | null
  agentName: string | null
  conversationId: string | null
  toolName: string | null
  inputTokens: number
  outputTokens: number
  failed: boolean
  error: string | null
  errorType: string | null
}

/** Reads the GenAI semantic-convention attributes (older `gen_ai.system` as the provider fallback). */
export function genAiFacts(span: IngestSpan): GenAiFacts {
  const a = span.attributes
  const errorType = str(a['error.type'])
  const failed = span.status.code === 2 || errorType !== null
  return {
    model: str(a['gen_ai.response.model']) ?? str(a['gen_ai.request.model']),
    requestModel: str(a['gen_ai.request.model']),
    provider: str(a['gen_ai.provider.name']) ?? str(a['gen_ai.system']),
    agentName: str(a['gen_ai.agent.name']),
    conversationId: str(a['gen_ai.conversation.id']),
    toolName: str(a['gen_ai.tool.name']),
    inputTokens: int(a['gen_ai.usage.input_tokens'] ?? a['gen_ai.usage.prompt_tokens']),
    outputTokens: int(a['gen_ai.usage.output_tokens'] ?? a['gen_ai.usage.completion_tokens']),
    failed,
    error: failed ? span.status.message || errorType || 'span status ERROR' : null,
    errorType
  }
}

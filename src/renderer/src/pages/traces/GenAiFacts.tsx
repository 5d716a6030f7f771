import { genAiOf } from '../../lib/traces/genai'

/**
 * The GenAI side of an entity (model, provider, tool, tokens, the OTel trace it came from), for
 * native and OTel-ingested runs alike; nothing when the record has none of it. An ingested entity
 * says that its governance is after the fact.
 */
export function GenAiFacts({ record }: { record: unknown }) {
  const g = genAiOf(record)
  const rows: Array<[string, string]> = []
  if (g.agent) rows.push(['agent', g.agent])
  if (g.model) rows.push(['model', g.model])
  if (g.provider) rows.push(['provider', g.provider])
  if (g.tool) rows.push(['tool', g.tool])
  if (g.inputTokens !== null) rows.push(['input tokens', String(g.inputTokens)])
  if (g.outputTokens !== null) rows.push(['output tokens', String(g.outputTokens)])
  if (g.otelTraceId) rows.push(['OTel trace', g.otelTraceId])
  if (rows.length === 0 && !g.ingested) return null
  return (
    <>
      <h3>GenAI</h3>
      <dl data-testid="details-genai">
        {rows.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd className={k === 'OTel trace' ? 'mono' : undefined}>{v}</dd>
          </div>
        ))}
      </dl>
      {g.ingested && (
        <p className="muted" data-testid="details-ingested">
          Ingested from OpenTelemetry: budgets and breakers recorded this run after the fact; only
          an agent that asks first through the ControlDeck SDK can be refused.
        </p>
      )}
    </>
  )
}

/** A model's price, in credits per million tokens (credits = USD in the shipped defaults). */
export interface ModelPrice {
  provider: string
  model: string
  input: number
  output: number
}

/**
 * A few well-known models' list prices (USD per 1M tokens, as published by the providers in
 * 2025). Operators override or extend them (`otlp.prices`, `--otel-prices`); anything not listed
 * gets no cost at all rather than a guess.
 */
export const DEFAULT_PRICES: readonly ModelPrice[] = [
  { provider: 'openai', model: 'gpt-4o', input: 2.5, output: 10 },
  { provider: 'openai', model: 'gpt-4o-mini', input: 0.15, output: 0.6 },
  { provider: 'openai', model: 'gpt-4.1', input: 2, output: 8 },
  { provider: 'openai', model: 'gpt-4.1-mini', input: 0.4, output: 1.6 },
  { provider: 'anthropic', model: 'claude-sonnet-4', input: 3, output: 15 },
  { provider: 'anthropic', model: 'claude-3-5-haiku', input: 0.8, output: 4 },
  { provider: 'gcp.gemini', model: 'gemini-2.0-flash', input: 0.1, output: 0.4 }
]

/** The cost of one model call, or why it has none. */
export type CostResult = { known: true; cost: number } | { known: false; note: string }

/**
 * Price lookup by provider and model. A model matches its exact name first, then the longest
 * listed name it starts with followed by `-` (dated snapshots: `gpt-4o-2024-08-06` is `gpt-4o`).
 */
export class PriceTable {
  private readonly byProvider = new Map<string, ModelPrice[]>()

  constructor(prices: readonly ModelPrice[]) {
    for (const p of prices) {
      const list = this.byProvider.get(p.provider.toLowerCase()) ?? []
      // A later entry for the same model wins: operators' entries come after the defaults.
      const i = list.findIndex((q) => q.model.toLowerCase() === p.model.toLowerCase())
      if (i >= 0) list.splice(i, 1)
      list.push(p)
      this.byProvider.set(p.provider.toLowerCase(), list)
    }
  }

  cost(provider: string | null, model: string | null, input: number, output: number): CostResult {
    if (!model) return { known: false, note: 'no model named on the span' }
    const list = this.byProvider.get((provider ?? '').toLowerCase()) ?? []
    const m = model.toLowerCase()
    let best: ModelPrice | null = null
    for (const p of list) {
      const pm = p.model.toLowerCase()
      if (pm === m) {
        best = p
        break
      }
      if (m.startsWith(pm + '-') && (!best || pm.length > best.model.length)) best = p
    }
    if (!best) return { known: false, note: `no price for ${provider ?? '(no provider)'}/${model}` }
    return { known: true, cost: (input * best.input + output * best.output) / 1_000_000 }
  }
}

/** Validates a price list read from outside (a JSON file); throws a message naming the bad entry. */
export function parsePrices(value: unknown): ModelPrice[] {
  if (!Array.isArray(value))
    throw new Error('prices must be a JSON list of {provider, model, input, output}')
  return value.map((p: unknown, i) => {
    const o = p as Record<string, unknown>
    const ok =
      typeof o === 'object' &&
      o !== null &&
      typeof o.provider === 'string' &&
      typeof o.model === 'string' &&
      typeof o.input === 'number' &&
      o.input >= 0 &&
      typeof o.output === 'number' &&
      o.output >= 0
    if (!ok)
      throw new Error(
        `prices[${i}] must be {provider: string, model: string, input: number ≥ 0, output: number ≥ 0}`
      )
    return {
      provider: o.provider as string,
      model: o.model as string,
      input: o.input as number,
      output: o.output as number
    }
  })
}

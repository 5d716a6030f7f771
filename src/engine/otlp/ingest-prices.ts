import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

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

/** Largest price file read: a price list is a few kilobytes; a wrong path may name a disk image. */
export const MAX_PRICE_FILE_BYTES = 1024 * 1024
/** Most prices in one list. */
const MAX_PRICES = 10_000
/** Longest provider or model name. */
const MAX_NAME_CHARS = 256

/**
 * Reads and validates a price file (`--otel-prices`): at most {@link MAX_PRICE_FILE_BYTES}
 * (more is not read), JSON, a list of prices. Throws an Error whose message starts with the
 * file's name and says what is wrong and where (`line 3, column 14`, `prices[2].input`).
 */
export function loadPrices(file: string): ModelPrice[] {
  const fail = (what: string): Error => new Error(`${file}: ${what}`)
  let text: string
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (err) {
    throw fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  try {
    if (!fstatSync(fd).isFile()) throw fail('is not a regular file')
    // Read one byte past the limit, never more: a file that grows meanwhile is bounded too.
    const buf = Buffer.alloc(MAX_PRICE_FILE_BYTES + 1)
    let size = 0
    for (let n = 1; n > 0 && size < buf.length; size += n)
      n = readSync(fd, buf, size, buf.length - size, null)
    if (size > MAX_PRICE_FILE_BYTES)
      throw fail(`is larger than ${MAX_PRICE_FILE_BYTES} bytes (a price list is a few kilobytes)`)
    text = buf.toString('utf8', 0, size)
  } finally {
    closeSync(fd)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    // V8's message may quote the file across lines: one line of it, after where it goes wrong.
    const why = (err as Error).message.replace(/\s+/g, ' ').slice(0, 120)
    throw fail(`is not valid JSON at ${lineAndColumn(text, errorOffset(text))} (${why})`)
  }
  try {
    return parsePrices(value)
  } catch (err) {
    throw fail((err as Error).message)
  }
}

/**
 * Where JSON.parse fails in `text` (which it does): the length of the shortest prefix that fails
 * otherwise than by running out of text, less one. Every shorter prefix is a valid start, so a
 * binary search finds it in a few parses (JSON.parse names no position for an unexpected token).
 */
function errorOffset(text: string): number {
  const endsEarly = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n))
      return true
    } catch (err) {
      const message = (err as Error).message
      const at = /at position (\d+)/.exec(message)
      return /end of JSON input/.test(message) || (at !== null && Number(at[1]) >= n)
    }
  }
  let lo = 0
  let hi = text.length
  if (endsEarly(hi)) return hi
  // Invariant: the prefix of length lo ends early (or parses), the one of length hi fails.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (endsEarly(mid)) lo = mid
    else hi = mid
  }
  return hi - 1
}

/** `line L, column C` (1-based) of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`
}

/** Validates a price list read from outside (a JSON file); throws a message naming the bad entry. */
export function parsePrices(value: unknown): ModelPrice[] {
  if (!Array.isArray(value))
    throw new Error('prices must be a JSON list of {provider, model, input, output}')
  if (value.length > MAX_PRICES) throw new Error(`more than ${MAX_PRICES} prices`)
  const name = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_CHARS
  const price = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0
  return value.map((p: unknown, i) => {
    const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>
    const bad = !name(o.provider)
      ? 'provider'
      : !name(o.model)
        ? 'model'
        : !price(o.input)
          ? 'input'
          : !price(o.output)
            ? 'output'
            : null
    if (bad)
      throw new Error(
        `prices[${i}].${bad} is wrong: each price is {provider: string, model: string, input: number ≥ 0, output: number ≥ 0} (names of 1–${MAX_NAME_CHARS} characters, prices per 1M tokens)`
      )
    return {
      provider: o.provider as string,
      model: o.model as string,
      input: o.input as number,
      output: o.output as number
    }
  })
}

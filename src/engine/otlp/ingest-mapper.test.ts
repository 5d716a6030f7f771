import { describe, expect, it } from 'vitest'
import type { Store } from '../store/store'
import type { IngestSpan } from './ingest-proto'
import { ingestSpan, withEngine } from './testing'

/**
 * Counts the work the store does on `otlp_spans` from now on: one per statement run, plus one
 * per row it hands back, and keeps the statements' text. The statements are the store's own,
 * passed through unchanged; the count only watches them.
 */
function countSpanWork(store: Store): { work: () => number; statements: Set<string> } {
  let work = 0
  const statements = new Set<string>()
  const prepare = store.prepare.bind(store)
  store.prepare = ((sql: string) => {
    const statement = prepare(sql)
    if (!sql.includes('otlp_spans')) return statement
    statements.add(sql)
    return new Proxy(statement, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args)
          work += 1 + (Array.isArray(out) ? out.length : 0)
          return out
        }
      }
    })
  }) as Store['prepare']
  return { work: () => work, statements }
}

/**
 * Statements among `statements` that walk a trace's rows (or the whole table) instead of going
 * straight to what they need: one row read is counted once, but such a walk reads every row of
 * the trace, each time it runs.
 */
function walkingStatements(store: Store, statements: Iterable<string>): string[] {
  const walks: string[] = []
  for (const sql of statements) {
    const params = Array.from(sql.matchAll(/\?/g), () => 'x')
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{
      detail: string
    }>
    if (plan.some((p) => /^SCAN otlp_spans|PRIMARY KEY \(trace_id=\?\)/.test(p.detail)))
      walks.push(`${sql.replace(/\s+/g, ' ')} → ${plan.map((p) => p.detail).join('; ')}`)
  }
  return walks
}

/**
 * An agent span and `n - 1` chat spans, each the child of the one before (a chain `n` deep),
 * stored children first in exports of 50 — the order a batching exporter sends them in, since a
 * child ends before its parent — with the mapper run after each export, and then to the end one
 * entity per slice (a deadline already past). Returns the work counted.
 */
async function settleDeepChain(n: number): Promise<{ work: number; walks: string[] }> {
  return withEngine({}, async (t) => {
    const otlp = t.engine.otlp!
    const traceId = n.toString(16).padStart(32, 'a')
    const id = (i: number) => (i + 1).toString(16).padStart(16, '0')
    const spans: IngestSpan[] = Array.from({ length: n }, (_, i) => ({
      ...ingestSpan(traceId, id(i), i === 0 ? 'invoke_agent' : 'chat'),
      parentSpanId: i === 0 ? null : id(i - 1),
      startMs: 1_000 + i,
      endMs: 1_000 + 2 * n - i
    }))
    const store = t.engine.services.store
    const counting = countSpanWork(store)
    for (let end = n; end > 0; end -= 50) {
      expect(otlp.mapper.ingest(spans.slice(Math.max(0, end - 50), end)).accepted).toBe(
        Math.min(50, end)
      )
      for (let slices = 0; otlp.mapper.backlog > 0 && slices < 10 * n; slices++)
        otlp.mapper.mapBatch(0)
    }
    const counted = counting.work()
    const walks = walkingStatements(store, counting.statements)
    // Everything mapped: one plan, n - 1 jobs on it, none left pending.
    const view = (await t.api('GET', `/otel/traces/${traceId}/spans?limit=${n}`)).body
    expect(view.spans.filter((s: { entity_id: string | null }) => !s.entity_id)).toHaveLength(0)
    const planId = view.spans.find((s: { span_id: string }) => s.span_id === id(0)).entity_id
    expect(planId).toMatch(/^p_/)
    const job = (await t.api('GET', `/identity/job/${view.spans[n - 1].entity_id}`)).body
    expect(job.plan_id).toBe(planId)
    const jobs = t.engine.services.store
      .prepare('SELECT COUNT(*) AS n FROM jobs WHERE plan_id = ?')
      .get(planId) as { n: number }
    expect(jobs.n).toBe(n - 1)
    return { work: counted, walks }
  })
}

describe('settling a large ingested trace', () => {
  it('does work linear in its spans, however many exports and slices it takes', async () => {
    const { work: small } = await settleDeepChain(250)
    const { work: large, walks } = await settleDeepChain(1000)
    // No statement walks the trace's rows to find what it needs.
    expect(walks).toEqual([])
    // Four times the spans: about four times the work. Reading the trace per slice or every
    // pending span per export (the old way) made it about sixteen times.
    expect(large / small).toBeLessThan(6)
    expect(large / 1000).toBeLessThan(40)
  }, 120_000)
})

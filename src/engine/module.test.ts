import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { route } from './http/route'
import type { EngineModule } from './module'
import { createChain, startTestEngine, type TestEngine } from './testing/harness'

const VIEWER = 'viewer-token-module'

/** A second module beside governance, as OTLP ingest will be: tables, routes, a hook, metrics. */
function probeModule(): EngineModule<{ seen: string[]; disposed: boolean }> {
  return {
    name: 'probe',
    features: ['probe'],
    migrations: ['CREATE TABLE probe_rows (id TEXT PRIMARY KEY)'],
    attach(ctx) {
      const handle = { seen: [] as string[], disposed: false }
      const off = ctx.extend('transitionCommitted', (e) =>
        handle.seen.push(`${e.entity_type}:${e.to_state}`)
      )
      return {
        handle,
        routes: [
          route({
            method: 'POST',
            path: '/probe/:n',
            permission: 'execute:job',
            params: z.object({ n: z.coerce.number().int() }),
            query: z.object({ q: z.string() }),
            body: z.object({ name: z.string() }),
            handler: ({ params, query, body }) => ({ n: params.n, q: query.q, name: body.name })
          })
        ],
        metrics: (p) => {
          p.family('probe_seen_total', 'counter', 'Transitions the probe saw').sample(
            'probe_seen_total',
            handle.seen.length
          )
        },
        dispose: () => {
          off()
          handle.disposed = true
        }
      }
    }
  }
}

describe('engine modules (issue 12)', () => {
  let t: TestEngine
  const probe = probeModule()
  let handle: { seen: string[]; disposed: boolean }
  beforeAll(async () => {
    let attached: { seen: string[]; disposed: boolean } | null = null
    t = await startTestEngine({
      tokens: [{ token: VIEWER, role: 'viewer' }],
      modules: [
        {
          ...probe,
          attach: (ctx) => {
            const a = probe.attach(ctx)
            attached = a.handle
            return a
          }
        }
      ]
    })
    handle = attached!
  })
  afterAll(async () => t.stop())

  it('lists its feature, serves its routes with validated inputs and its permission, and adds its metrics', async () => {
    expect((await t.api('GET', '/capabilities')).body.features).toContain('probe')
    expect(await t.api('POST', '/probe/3?q=x', { name: 'a' })).toMatchObject({
      status: 200,
      body: { n: 3, q: 'x', name: 'a' }
    })
    const locs = async (path: string, body: unknown): Promise<unknown> =>
      ((await t.api('POST', path, body)).body.detail as Array<{ loc: unknown[] }>).map((i) => i.loc)
    expect(await locs('/probe/x?q=x', { name: 'a' })).toEqual([['path', 'n']])
    expect(await locs('/probe/3', { name: 'a' })).toEqual([['query', 'q']])
    expect(await locs('/probe/3?q=x', { name: 1 })).toEqual([['body', 'name']])
    expect((await t.api('POST', '/probe/3?q=x', { name: 'a' }, { token: VIEWER })).status).toBe(403)
    await createChain(t)
    expect((await t.api('GET', '/metrics')).text).toMatch(/^probe_seen_total \d+$/m)
  })

  it('reaches the core through extend, and is disposed and unplugged on close', async () => {
    const chain = await createChain(t)
    await t.api('POST', `/lifecycle/job/${chain.jobId}/transition`, { transition: 'create' })
    expect(handle.seen.some((s) => s.startsWith('job:'))).toBe(true)
    expect(t.engine.governance).not.toBeNull()
    await t.engine.close()
    expect(handle.disposed).toBe(true)
    const db = new Database(t.dbPath, { readonly: true })
    expect(db.prepare("SELECT version FROM schema_modules WHERE module = 'probe'").get()).toEqual({
      version: 1
    })
    db.close()
  })

  it('takes permissions as typed names: a misspelt one does not compile', () => {
    const def = route({
      method: 'GET',
      path: '/typo',
      // @ts-expect-error -- 'read:audti' is no Permission
      permission: 'read:audti',
      handler: () => null
    })
    expect(def.path).toBe('/typo')
  })
})

import { describe, expect, it } from 'vitest'
import { findTooDeep } from '../../shared/json-depth'
import { MAX_EVENT_DEPTH, MAX_REQUEST_DEPTH } from '../../shared/neurorail/limits'
import { TokenRegistry } from '../auth/tokens'
import { SseReader } from '../testing/sse'
import { suiteChain, suiteEngine } from '../testing/suite'
import { HttpError } from './errors'
import { Router } from './router'
import { createEngineServer } from './server'

const VIEWER = 'viewer-token-hostile'

/** A concrete value for each path parameter, so every pattern becomes a reachable path. */
const PARAM_VALUES: Record<string, string> = {
  entity_type: 'job',
  slot: 'shadow',
  role: 'viewer'
}

function concrete(pattern: string): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => PARAM_VALUES[name] ?? 'x_0123456789ab')
}

/** `{"k":{"k":…{}…}}` with `depth` objects in all. */
function nestedObject(depth: number, key: string): string {
  return `{"${key}":`.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1)
}

/** `depth` objects nested under `key`: a value whose own depth is `depth`. */
function nestedValue(depth: number): unknown {
  let v: Record<string, unknown> = {}
  for (let i = 1; i < depth; i++) v = { a: v }
  return v
}

/** Hostile bodies: 5,000 levels at the root, and under the keys that routes validate or store. */
const HOSTILE: Record<string, string> = {
  'root array': '['.repeat(5000) + ']'.repeat(5000),
  'root object': nestedObject(5000, 'a'),
  'under fields':
    `{"mission_id":${nestedObject(5000, 'a')},"details":${nestedObject(5000, 'b')},` +
    `"metadata":${nestedObject(5000, 'c')},"transitions":[${nestedObject(5000, 'd')}],"context":${nestedObject(5000, 'e')}}`
}

describe('hostile request bodies (issue 10 item 1)', () => {
  const t = suiteEngine({ tokens: [{ token: VIEWER, role: 'viewer' }] })

  const alive = async (): Promise<void> => {
    const res = await t.api('GET', '/capabilities')
    expect(res.status).toBe(200)
  }

  it('answers a 5,000-deep body on every body-taking route with a short 4xx and keeps serving', async () => {
    // Absolute routes (OTLP's /v1/traces, which reads protobuf) have their own hostile tests.
    const routes = t.engine.routes.filter((r) => r.method !== 'GET' && !r.absolute)
    // Every family that takes a body is in the walk (a route table that lost them would pass trivially).
    const families = new Set(routes.map((r) => r.pattern.split('/')[1]))
    expect([...families].sort()).toEqual([
      'audit',
      'budget',
      'governor',
      'identity',
      'lifecycle',
      'rbac',
      'reflex',
      'stream',
      'telemetry'
    ])
    for (const route of routes) {
      for (const token of [VIEWER, t.engine.adminToken]) {
        for (const [shape, raw] of Object.entries(HOSTILE)) {
          const res = await t.api(route.method, concrete(route.pattern), undefined, { token, raw })
          const where = `${route.method} ${route.pattern} (${token === VIEWER ? 'viewer' : 'admin'}, ${shape})`
          expect(res.status, where).toBeGreaterThanOrEqual(400)
          expect(res.status, where).toBeLessThan(500)
          // Nothing of the input is echoed back: the answer stays small.
          expect(res.text.length, where).toBeLessThan(2000)
        }
        await alive()
      }
    }
  })

  it('names where a body is too deep, without echoing it', async () => {
    const res = await t.api('POST', '/audit/query', undefined, {
      token: VIEWER,
      raw: HOSTILE['under fields']
    })
    expect(res.status).toBe(422)
    expect(res.body.detail).toEqual([
      {
        type: 'value_error',
        loc: ['body', 'mission_id', 'a', 'a', 'a', 'a', 'a', 'a', 'a', '…'],
        msg: `JSON nested deeper than ${MAX_REQUEST_DEPTH} levels (at mission_id.a.a.a.a.a.a.a…)`
      }
    ])
  })

  it('echoes no structured input in a 422 and bounds the issue list', async () => {
    const shallow = await t.api(
      'POST',
      '/audit/query',
      { mission_id: { nested: { secret: 'x'.repeat(50_000) } } },
      { token: VIEWER }
    )
    expect(shallow.status).toBe(422)
    expect(shallow.body.detail[0]).not.toHaveProperty('input')
    expect(shallow.text).not.toContain('secret')
    const long = await t.api(
      'POST',
      '/audit/query',
      { mission_id: 'y'.repeat(50_000) },
      { token: VIEWER }
    )
    expect(long.status).toBe(422)
    expect(long.body.detail[0].input).toBe('y'.repeat(100) + '…')
    const many = await t.api('POST', '/lifecycle/batch', {
      transitions: Array.from({ length: 100 }, () => ({}))
    })
    expect(many.status).toBe(422)
    expect(many.body.detail.length).toBeLessThanOrEqual(21)
    expect(many.body.detail.at(-1).msg).toMatch(/^and \d+ more issues$/)
    // A message quoting the request (here an id from the path) is cut to a line.
    const quoted = await t.api('GET', `/identity/mission/${'m'.repeat(5000)}`, undefined, {
      token: VIEWER
    })
    expect(quoted.status).toBe(404)
    expect(quoted.body.detail.length).toBeLessThanOrEqual(1001)
  })

  it('answers 500, not a crash, when a reply cannot be serialised', async () => {
    // Routes whose answer JSON.stringify cannot write (a BigInt), as a reply and as an error
    // detail: the error path itself must survive both and the server go on.
    const router = new Router()
    router.get('/bigint', { permission: null }, () => ({ n: 1n }))
    router.get('/bad-detail', { permission: null }, () => {
      throw new HttpError(400, { n: 2n })
    })
    const logged: Array<Record<string, unknown>> = []
    const tokens = new TokenRegistry()
    tokens.add('only-token-123456', 'viewer', 'v')
    const http = createEngineServer({
      router,
      tokens,
      rateLimiter: null,
      log: (e) => logged.push(e)
    })
    await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (http.server.address() as { port: number }).port
      const get = (p: string) =>
        fetch(`http://127.0.0.1:${port}/api/neurorail/v1${p}`, {
          headers: { Authorization: 'Bearer only-token-123456' }
        })
      for (const p of ['/bigint', '/bad-detail']) {
        const res = await get(p)
        expect(res.status).toBe(500)
        expect(await res.json()).toEqual({
          detail: expect.stringMatching(/^Internal server error \(request /)
        })
      }
      expect(logged.filter((e) => e.msg === 'unhandled error')).toHaveLength(2)
    } finally {
      http.server.closeAllConnections()
      await new Promise((resolve) => http.server.close(resolve))
    }
  })
})

describe('nothing the console cannot read gets in (issue 10 item 4)', () => {
  const t = suiteEngine()
  const chain = suiteChain(t)

  // The deepest value each body may carry in its field: the body object is one level above it.
  const fieldLimit = MAX_REQUEST_DEPTH - 1
  const log = (details: unknown, eventType = 'deep', message = 'm') =>
    t.api('POST', '/audit/log', {
      event_type: eventType,
      event_category: 'execution',
      message,
      details
    })
  const transition = (metadata: unknown) =>
    t.api('POST', `/lifecycle/job/${chain.jobId}/transition`, {
      entity_id: chain.jobId,
      transition: 'create',
      metadata
    })
  const publish = (data: unknown) =>
    t.api('POST', '/stream/publish?channel=audit&event_type=deep', data)
  const decide = (context: unknown) =>
    t.api('POST', '/governor/decide', { job_id: chain.jobId, job_type: 'llm_call', context })

  it('refuses audit details, transition metadata and published data one level too deep (422)', async () => {
    expect((await log(nestedValue(fieldLimit + 1))).status).toBe(422)
    expect((await transition(nestedValue(fieldLimit + 1))).status).toBe(422)
    expect((await publish(nestedValue(MAX_REQUEST_DEPTH + 1))).status).toBe(422)
    expect((await decide(nestedValue(fieldLimit + 1))).status).toBe(422)
  })

  it('accepts them at the limit, and every event they make fits what the console reads', async () => {
    const stream = await new SseReader().open(
      `${t.engine.baseUrl}/stream/events?channels=all&lastEventId=0`,
      {
        Authorization: `Bearer ${t.engine.adminToken}`
      }
    )
    try {
      const accepted = [
        await log(nestedValue(fieldLimit)),
        await transition(nestedValue(fieldLimit)),
        await publish(nestedValue(MAX_REQUEST_DEPTH)),
        await decide(nestedValue(fieldLimit))
      ]
      expect(accepted.map((r) => r.status)).toEqual([201, 200, 200, 200])
      const last = await log({}, 'end_marker', 'end')
      expect(last.status).toBe(201)
      await stream.waitFor(() => stream.frames.some((f) => f.data.includes('end_marker')))
      const deepest = Math.max(
        ...stream.frames.map((f) => (findTooDeep(f.data, MAX_EVENT_DEPTH) === null ? 0 : 1))
      )
      expect(deepest, 'a frame nests deeper than the console reads').toBe(0)
      // And at least one frame sits right at the limit: the bound is not needlessly tight.
      expect(stream.frames.some((f) => findTooDeep(f.data, MAX_EVENT_DEPTH - 1) !== null)).toBe(
        true
      )
    } finally {
      stream.close()
    }
  })
})

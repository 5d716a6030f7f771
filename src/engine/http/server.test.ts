import { describe, expect, it } from 'vitest'
import {
  ForbiddenDetailSchema,
  ValidationErrorBodySchema,
  FastApiErrorBodySchema
} from '../../shared/neurorail'
import { startTestEngine } from '../testing/harness'
import { suiteEngine } from '../testing/suite'
import { DEFAULT_RATE_LIMIT, roleRateLimits } from '../auth/rate-limit'

describe('HTTP server core', () => {
  const t = suiteEngine({
    tokens: [
      { token: 'viewer-token-123', role: 'viewer' },
      { token: 'operator-token-12', role: 'operator' }
    ]
  })

  it('binds to 127.0.0.1 by default and exposes url/baseUrl', () => {
    expect(t.engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(t.engine.baseUrl).toBe(`${t.engine.url}/api/neurorail/v1`)
  })

  it('answers 401 without a token, with a bad scheme, and with an unknown token', async () => {
    const none = await t.api('GET', '/capabilities', undefined, { token: null })
    expect(none.status).toBe(401)
    expect(none.body).toEqual({ detail: 'Authentication required' })
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    const basic = await t.api('GET', '/capabilities', undefined, {
      token: null,
      headers: { Authorization: 'Basic abc' }
    })
    expect(basic.status).toBe(401)
    const bad = await t.api('GET', '/capabilities', undefined, { token: 'not-a-real-token' })
    expect(bad.status).toBe(401)
    expect(bad.body).toEqual({ detail: 'Invalid token' })
  })

  it('enforces §7 permissions with the 403 shape', async () => {
    const res = await t.api(
      'POST',
      '/identity/mission',
      { tags: {} },
      { token: 'viewer-token-123' }
    )
    expect(res.status).toBe(403)
    const detail = ForbiddenDetailSchema.parse(res.body.detail)
    expect(detail.error).toBe('Insufficient permissions')
    expect(detail.required_permissions).toEqual(['execute:job'])
    expect(detail.user_permissions).toHaveLength(6)
    // The same viewer may read, and an operator may write but not publish.
    expect(
      (await t.api('GET', '/capabilities', undefined, { token: 'viewer-token-123' })).status
    ).toBe(200)
    expect(
      (await t.api('POST', '/identity/mission', { tags: {} }, { token: 'operator-token-12' }))
        .status
    ).toBe(201)
    const pub = await t.api(
      'POST',
      '/stream/publish?channel=audit&event_type=x',
      {},
      { token: 'operator-token-12' }
    )
    expect(pub.status).toBe(403)
    expect(pub.body.detail.required_permissions).toEqual(['manage:system'])
  })

  it('accepts tokens added at run time', async () => {
    t.engine.addToken('late-token-abcdef', 'viewer')
    expect(
      (await t.api('GET', '/governor/info', undefined, { token: 'late-token-abcdef' })).status
    ).toBe(200)
  })

  it('gives 400 {detail} for malformed JSON and 422 in FastAPI list shape for schema errors', async () => {
    const malformed = await t.api('POST', '/identity/mission', undefined, { raw: '{"tags": ' })
    expect(malformed.status).toBe(400)
    expect(typeof FastApiErrorBodySchema.parse(malformed.body).detail).toBe('string')
    const invalid = await t.api('POST', '/identity/job', { plan_id: 'nope' })
    expect(invalid.status).toBe(422)
    const body = ValidationErrorBodySchema.parse(invalid.body)
    const locs = body.detail.map((d) => d.loc.join('.'))
    expect(locs).toContain('body.plan_id')
    expect(locs).toContain('body.job_type')
    const missing = await t.api('POST', '/identity/plan')
    expect(missing.status).toBe(422)
  })

  it('rejects bodies over 1 MB with 413', async () => {
    const big = JSON.stringify({ tags: { x: 'a'.repeat(1024 * 1024) } })
    const res = await t.api('POST', '/identity/mission', undefined, { raw: big })
    expect(res.status).toBe(413)
    expect(res.body.detail).toMatch(/too large/)
  })

  it('echoes X-Request-ID or generates one', async () => {
    const given = await t.api('GET', '/capabilities', undefined, {
      headers: { 'X-Request-ID': 'req-abc.123' }
    })
    expect(given.headers.get('x-request-id')).toBe('req-abc.123')
    const generated = await t.api('GET', '/capabilities')
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const hostile = await t.api('GET', '/capabilities', undefined, {
      headers: { 'X-Request-ID': 'a b<script>' }
    })
    expect(hostile.headers.get('x-request-id')).not.toBe('a b<script>')
  })

  it('answers 404 for unknown paths and 405 for a wrong method', async () => {
    expect((await t.api('GET', '/nope')).status).toBe(404)
    const wrong = await t.api('DELETE', '/capabilities')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
  })

  it('serves JSON with the charset the real backend uses', async () => {
    const res = await t.api('GET', '/capabilities')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })
})

describe('rate limiting and logs', () => {
  it('answers 429 with Retry-After once a viewer or operator token exhausts its bucket, per token', async () => {
    const logs: Array<Record<string, unknown>> = []
    const t = await startTestEngine({
      rateLimit: { perSecond: 1, burst: 3 },
      tokens: [
        { token: 'first-viewer-token', role: 'viewer' },
        { token: 'second-token-xyz', role: 'viewer' },
        { token: 'agent-operator-token', role: 'operator' }
      ],
      logger: (e) => logs.push(e as Record<string, unknown>)
    })
    try {
      for (const token of ['first-viewer-token', 'agent-operator-token']) {
        const statuses: number[] = []
        for (let i = 0; i < 5; i++)
          statuses.push((await t.api('GET', '/capabilities', undefined, { token })).status)
        expect(statuses.slice(0, 3)).toEqual([200, 200, 200])
        expect(statuses[4]).toBe(429)
        const limited = await t.api('GET', '/capabilities', undefined, { token })
        expect(limited.status).toBe(429)
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      }
      // Another token has its own bucket.
      expect(
        (await t.api('GET', '/capabilities', undefined, { token: 'second-token-xyz' })).status
      ).toBe(200)
      const requestLogs = logs.filter((l) => l.msg === 'request')
      expect(requestLogs.length).toBeGreaterThanOrEqual(13)
      expect(requestLogs.some((l) => l.status === 429 && typeof l.request_id === 'string')).toBe(
        true
      )
    } finally {
      await t.stop()
    }
  })

  it('does not throttle the admin token by default, only when told to', async () => {
    const t = await startTestEngine({ rateLimit: { perSecond: 1, burst: 2 } })
    const throttled = await startTestEngine({
      rateLimit: { perSecond: 1, burst: 2 },
      adminRateLimit: { perSecond: 1, burst: 2 }
    })
    try {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async () => (await t.api('GET', '/capabilities')).status)
      )
      expect(new Set(statuses)).toEqual(new Set([200]))
      const limited = await Promise.all(
        Array.from({ length: 5 }, async () => (await throttled.api('GET', '/capabilities')).status)
      )
      expect(limited).toContain(429)
    } finally {
      await t.stop()
      await throttled.stop()
    }
  })

  it('ships limits for viewer and operator tokens and none for admin', () => {
    expect(roleRateLimits()).toEqual({
      viewer: DEFAULT_RATE_LIMIT,
      operator: DEFAULT_RATE_LIMIT,
      admin: false
    })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limit'
import { TokenRegistry } from './tokens'
import { startTestEngine, type TestEngine } from '../testing/harness'
import { SseReader } from '../testing/sse'

describe('token revocation', () => {
  let t: TestEngine
  const readers: SseReader[] = []
  beforeAll(async () => {
    t = await startTestEngine()
  })
  afterAll(async () => {
    for (const r of readers) r.close()
    await t.stop()
  })

  const open = async (token: string): Promise<SseReader> => {
    const r = new SseReader()
    readers.push(r)
    await r.open(`${t.engine.baseUrl}/stream/events`, { Authorization: `Bearer ${token}` })
    await r.waitFor(() => r.comments.includes('connected'), 5000, 'connected comment')
    return r
  }

  it('removeToken answers later requests with 401 and leaves other tokens working', async () => {
    t.engine.addToken('run-token-aaaaaaaa', 'operator', 'local run a')
    t.engine.addToken('run-token-bbbbbbbb', 'operator', 'local run b')
    expect(
      (await t.api('GET', '/capabilities', undefined, { token: 'run-token-aaaaaaaa' })).status
    ).toBe(200)
    t.engine.removeToken('run-token-aaaaaaaa')
    const revoked = await t.api('GET', '/capabilities', undefined, { token: 'run-token-aaaaaaaa' })
    expect(revoked.status).toBe(401)
    expect(revoked.body).toEqual({ detail: 'Invalid token' })
    expect(
      (await t.api('GET', '/capabilities', undefined, { token: 'run-token-bbbbbbbb' })).status
    ).toBe(200)
    expect((await t.api('GET', '/capabilities')).status).toBe(200)
    // Unknown tokens are ignored.
    expect(() => t.engine.removeToken('never-registered-token')).not.toThrow()
  })

  it('ends the open SSE streams of a revoked token, and only those', async () => {
    t.engine.addToken('stream-token-ccccccc', 'viewer')
    const mine = await open('stream-token-ccccccc')
    const other = await open(t.engine.adminToken)
    t.engine.removeToken('stream-token-ccccccc')
    await mine.waitFor(() => mine.ended, 5000, 'revoked stream to end')
    expect(mine.comments).toContain('closed: token revoked')
    expect(
      (await t.api('POST', '/stream/publish?channel=audit&event_type=after_revoke', {})).status
    ).toBe(200)
    await other.waitFor(
      () => other.frames.some((f) => f.event === 'after_revoke'),
      5000,
      'event on the other stream'
    )
    expect(other.ended).toBe(false)
    expect(mine.frames.some((f) => f.event === 'after_revoke')).toBe(false)
    // Reconnecting with the revoked token is refused.
    const again = new SseReader()
    readers.push(again)
    await again.open(`${t.engine.baseUrl}/stream/events?access_token=stream-token-ccccccc`)
    expect(again.status).toBe(401)
  })
})

describe('token store and rate limiter', () => {
  it('TokenRegistry.remove forgets the token', () => {
    const reg = new TokenRegistry()
    reg.add('token-one-111', 'viewer')
    expect(reg.resolve('token-one-111')?.role).toBe('viewer')
    reg.remove('token-one-111')
    expect(reg.resolve('token-one-111')).toBeNull()
    expect(reg.count()).toBe(0)
  })

  it('RateLimiter.forget drops a revoked key’s bucket', () => {
    const rl = new RateLimiter({ perSecond: 1, burst: 1 })
    expect(rl.take('k', 0)).toBe(0)
    expect(rl.take('k', 0)).toBeGreaterThan(0)
    expect(rl.size).toBe(1)
    rl.forget('k')
    expect(rl.size).toBe(0)
  })
})

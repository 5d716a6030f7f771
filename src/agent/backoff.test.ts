import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_BACKOFF, sleep } from './backoff'

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 60 s (API §8), before jitter', () => {
    const mid = { ...DEFAULT_BACKOFF, random: () => 0.5 } // jitter factor exactly 1
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000
    ])
  })

  it('applies jitter ×0.5 to ×1.5', () => {
    expect(backoffDelay(2, { ...DEFAULT_BACKOFF, random: () => 0 })).toBe(2000)
    expect(backoffDelay(2, { ...DEFAULT_BACKOFF, random: () => 0.999999 })).toBe(6000)
  })

  it('takes a configurable base for tests and demos', () => {
    expect(backoffDelay(3, { baseDelayMs: 5, maxDelayMs: 20, random: () => 0.5 })).toBe(20)
  })
})

describe('sleep', () => {
  it('rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController()
    const waiting = sleep(60_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
  })
})

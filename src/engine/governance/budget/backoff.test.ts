import { describe, expect, it } from 'vitest'
import { backoffDelayMs } from './backoff'

describe('backoffDelayMs (API §8: 1 s × 2ⁿ, cap 60 s, jitter ×0.5–1.5)', () => {
  it('doubles from 1 s without jitter (factor 1 at random 0.5)', () => {
    const mid = (): number => 0.5
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, {}, mid))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000
    ])
  })

  it('caps at 60 s before the jitter', () => {
    expect(backoffDelayMs(6, {}, () => 0.5)).toBe(60_000)
    expect(backoffDelayMs(1000, {}, () => 0.5)).toBe(60_000)
  })

  it('applies the jitter bounds', () => {
    expect(backoffDelayMs(2, {}, () => 0)).toBe(2_000)
    expect(backoffDelayMs(2, {}, () => 0.999999)).toBe(6_000)
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(3)
      expect(d).toBeGreaterThanOrEqual(4_000)
      expect(d).toBeLessThanOrEqual(12_000)
    }
  })

  it('rejects negative or fractional retry numbers', () => {
    expect(() => backoffDelayMs(-1)).toThrow(RangeError)
    expect(() => backoffDelayMs(1.5)).toThrow(RangeError)
  })
})

import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_BACKOFF, UNDER_CAP_JITTER } from './backoff'

describe('backoffDelay (API §8: 1 s × 2ⁿ, cap 60 s, jitter ×0.5–1.5)', () => {
  const at = (random: number) => ({ ...DEFAULT_BACKOFF, random: () => random })

  it('doubles from 1 s without jitter (factor 1 at random 0.5)', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, at(0.5)))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000
    ])
  })

  it('caps at 60 s before the jitter', () => {
    expect(backoffDelay(6, at(0.5))).toBe(60_000)
    expect(backoffDelay(7, at(0.5))).toBe(60_000)
    expect(backoffDelay(1000, at(0.5))).toBe(60_000)
  })

  it('applies the jitter bounds', () => {
    expect(backoffDelay(2, at(0))).toBe(2_000)
    expect(backoffDelay(2, at(0.999999))).toBe(6_000)
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3)
      expect(d).toBeGreaterThanOrEqual(4_000)
      expect(d).toBeLessThanOrEqual(12_000)
    }
  })

  it('takes a configurable base for tests and demos', () => {
    expect(backoffDelay(3, { baseDelayMs: 5, maxDelayMs: 20, random: () => 0.5 })).toBe(20)
  })

  it('doubles up to the ceiling with jitter between half and all of it (reconnects)', () => {
    const o = { baseDelayMs: 100, maxDelayMs: 1000, jitter: UNDER_CAP_JITTER }
    expect(backoffDelay(0, { ...o, random: () => 0 })).toBe(50)
    expect(backoffDelay(0, { ...o, random: () => 1 })).toBe(100)
    expect(backoffDelay(3, { ...o, random: () => 1 })).toBe(800)
    expect(backoffDelay(50, { ...o, random: () => 1 })).toBe(1000)
  })

  it('rejects negative or fractional retry numbers', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError)
    expect(() => backoffDelay(1.5)).toThrow(RangeError)
  })
})

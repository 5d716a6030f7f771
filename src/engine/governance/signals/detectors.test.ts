import { describe, expect, it } from 'vitest'
import { EwmaDetector, ZScoreDetector } from './detectors'

// A steady series with a little deterministic noise (no randomness in tests).
const steady = (i: number): number => 100 + ((i * 7) % 5) - 2

describe('ZScoreDetector', () => {
  it('stays quiet while warming up and on steady values', () => {
    const d = new ZScoreDetector()
    for (let i = 0; i < 60; i++) expect(d.observe(steady(i)).anomalous).toBe(false)
  })

  it('flags a spike, with a positive score above the threshold', () => {
    const d = new ZScoreDetector()
    for (let i = 0; i < 20; i++) d.observe(steady(i))
    const r = d.observe(400)
    expect(r.anomalous).toBe(true)
    expect(r.score).toBeGreaterThan(3)
    expect(r.baseline).toBeCloseTo(100, 0)
    expect(d.observe(100 - 200).score).toBeLessThan(-3)
  })

  it('never flags before minSamples even for huge jumps', () => {
    const d = new ZScoreDetector({ minSamples: 5 })
    for (let i = 0; i < 4; i++) expect(d.observe(1e6 * (i % 2)).anomalous).toBe(false)
    const fresh = new ZScoreDetector({ minSamples: 5 })
    for (let i = 0; i < 5; i++) fresh.observe(1)
    expect(fresh.observe(1e6).anomalous).toBe(true)
  })

  it('uses minStd on a flat series', () => {
    const d = new ZScoreDetector({ minStd: 0.05, minSamples: 3 })
    for (let i = 0; i < 5; i++) d.observe(0)
    const r = d.observe(0.2)
    expect(r.score).toBeCloseTo(4, 5)
  })
})

describe('EwmaDetector', () => {
  it('flags a spike after warm-up and adapts to a new level', () => {
    const d = new EwmaDetector()
    for (let i = 0; i < 30; i++) expect(d.observe(steady(i)).anomalous).toBe(false)
    expect(d.observe(300).anomalous).toBe(true)
    // A sustained new level stops being anomalous as the mean and variance catch up.
    let last = true
    for (let i = 0; i < 40; i++) last = d.observe(300).anomalous
    expect(last).toBe(false)
  })

  it('rejects bad options', () => {
    expect(() => new EwmaDetector({ alpha: 0 })).toThrow(RangeError)
    expect(() => new ZScoreDetector({ window: 1 })).toThrow(RangeError)
  })
})

describe('relative σ floor', () => {
  it('ignores jitter that is small relative to the mean', () => {
    const d = new ZScoreDetector({ minStd: 1, minRelStd: 0.1 })
    for (let i = 0; i < 20; i++) d.observe(1000)
    // 1250 is 25 % up: 2.5 × the 10 % floor (100), below the threshold of 3.
    expect(d.observe(1250).anomalous).toBe(false)
    expect(d.observe(1400).anomalous).toBe(true)
  })
})

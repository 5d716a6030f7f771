import { describe, expect, it } from 'vitest'
import { downsampleForWidth, lttb, minMax, type XY } from './downsample'

function series(n: number, f: (i: number) => number): XY[] {
  return Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }))
}

describe('lttb', () => {
  it('returns the same array when already under the threshold', () => {
    const s = series(10, (i) => i)
    expect(lttb(s, 20)).toBe(s)
  })

  it('keeps exactly threshold points, the first and the last', () => {
    const s = series(10_000, (i) => Math.sin(i / 50))
    const out = lttb(s, 500)
    expect(out).toHaveLength(500)
    expect(out[0]).toBe(s[0])
    expect(out[499]).toBe(s[9999])
  })

  it('keeps a single spike', () => {
    const s = series(10_000, (i) => (i === 4321 ? 1000 : 0))
    expect(lttb(s, 100).some((p) => p.y === 1000)).toBe(true)
  })

  it('stays in x order', () => {
    const out = lttb(
      series(5000, (i) => (i * 7919) % 101),
      300
    )
    out.reduce((prev, p) => {
      expect(p.x).toBeGreaterThan(prev.x)
      return p
    })
  })
})

describe('minMax', () => {
  it('keeps the extremes of every bucket and never exceeds the threshold', () => {
    const s = series(10_000, (i) => (i === 10 ? -50 : i === 9000 ? 70 : i % 3))
    const out = minMax(s, 200)
    expect(out.length).toBeLessThanOrEqual(200)
    expect(out.some((p) => p.y === -50)).toBe(true)
    expect(out.some((p) => p.y === 70)).toBe(true)
  })
})

describe('downsampleForWidth', () => {
  it('caps at four points per pixel', () => {
    const s = series(100_000, (i) => Math.cos(i))
    expect(downsampleForWidth(s, 300)).toHaveLength(1200)
    expect(downsampleForWidth(s, 300, 'minmax').length).toBeLessThanOrEqual(1200)
  })
})

import { binSum } from './downsample'

describe('binSum', () => {
  it('keeps totals while cutting points to the limit', () => {
    const pts = Array.from({ length: 3600 }, (_, i) => ({ x: i * 1000, a: 1, b: i % 2 }))
    const out = binSum(pts, 1000, ['a', 'b'])
    expect(out.length).toBeLessThanOrEqual(1000)
    expect(out.reduce((s, p) => s + p.a, 0)).toBe(3600)
    expect(out.reduce((s, p) => s + p.b, 0)).toBe(1800)
    expect(out[0]?.x).toBe(0)
  })
})

import { describe, expect, it } from 'vitest'
import { countsSchema } from './counts'

describe('countsSchema', () => {
  const Counts = countsSchema(['rows', 'files'])

  it('accepts whole numbers from 0, one per name', () => {
    expect(Counts.parse({ rows: 0, files: 12 })).toEqual({ rows: 0, files: 12 })
    expect(Counts.parse({ rows: 1, files: 2, other: 3 })).toEqual({ rows: 1, files: 2 })
  })

  it('refuses negative, fractional, missing and non-number counts', () => {
    for (const bad of [
      { rows: -1, files: 0 },
      { rows: 1.5, files: 0 },
      { rows: 1 },
      { rows: '1', files: 0 }
    ])
      expect(Counts.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })
})

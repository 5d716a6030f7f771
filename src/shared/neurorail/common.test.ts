import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { orElse, orNull } from './common'

describe('orNull / orElse', () => {
  it('read absent and null as the fallback, and check everything else', () => {
    const Name = orNull(z.string())
    expect(Name.parse(undefined)).toBeNull()
    expect(Name.parse(null)).toBeNull()
    expect(Name.parse('a')).toBe('a')
    expect(Name.safeParse(1).success).toBe(false)
    const Tags = orElse(z.array(z.string()), () => [])
    expect(Tags.parse(null)).toEqual([])
    expect(Tags.parse(['x'])).toEqual(['x'])
    expect(Tags.safeParse([1]).success).toBe(false)
  })

  it('give every parse its own fallback value', () => {
    const Tags = orElse(z.array(z.string()), () => [])
    const first = Tags.parse(undefined)
    first.push('changed')
    expect(Tags.parse(undefined)).toEqual([])
  })
})

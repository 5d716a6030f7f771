import { describe, expect, it } from 'vitest'
import { hasBrand } from './brand'

describe('hasBrand', () => {
  it('is true only for an object whose brand field is exactly true', () => {
    expect(hasBrand({ isX: true }, 'isX')).toBe(true)
    expect(hasBrand(Object.assign(new Error('e'), { isX: true }), 'isX')).toBe(true)
    for (const value of [{ isX: 'true' }, { isX: 1 }, { isY: true }, {}, null, undefined, 'isX', 1])
      expect(hasBrand(value, 'isX')).toBe(false)
  })
})

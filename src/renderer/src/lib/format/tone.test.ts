import { describe, expect, it } from 'vitest'
import { toneOf } from './tone'

describe('toneOf', () => {
  it('gives the tone of a known state and a neutral one for anything else', () => {
    expect(toneOf('failed_timeout')).toBe('bad')
    expect(toneOf('half_open')).toBe('warn')
    expect(toneOf('no_such_state')).toBe('idle')
    expect(toneOf(null)).toBe('idle')
  })

  it('is neutral for state names a backend could send that match Object.prototype', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(toneOf(name)).toBe('idle')
  })
})

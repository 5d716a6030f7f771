import { describe, expect, it } from 'vitest'
import { toViolationView } from './governance-views'

describe('toViolationView', () => {
  it('reads the kind from a budget code, and a code named like an Object.prototype member as unknown', () => {
    expect(toViolationView({ code: 'NR-E104' }, 0).violationType).toBe('tokens')
    expect(toViolationView({ code: 'constructor' }, 0).violationType).toBe('unknown')
    expect(toViolationView({ code: '__proto__' }, 1).violationType).toBe('unknown')
  })
})

import { describe, expect, it } from 'vitest'
import { writeGate } from './permissions'

describe('writeGate', () => {
  it('refuses everything on read-only environments', () => {
    expect(writeGate(true, 'admin', null)).toMatchObject({ allowed: false })
  })
  it('refuses roles without the permission and says which', () => {
    const g = writeGate(false, 'viewer', 'write:reflex')
    expect(g.allowed).toBe(false)
    expect(g.reason).toContain('write:reflex')
    expect(writeGate(false, 'operator', 'write:reflex').allowed).toBe(true)
  })
  it('leaves unknown roles to the backend', () => {
    expect(writeGate(false, null, 'write:reflex').allowed).toBe(true)
  })
})

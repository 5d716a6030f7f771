import { describe, expect, it } from 'vitest'
import {
  ENTITY_ID_PREFIX,
  EntityIdSchema,
  MissionIdSchema,
  entityTypeOfId,
  isEntityId,
  makeEntityId
} from './ids'

describe('entity IDs', () => {
  it.each([
    ['m_0123456789ab', 'mission'],
    ['p_0123456789ab', 'plan'],
    ['j_abcdefabcdef', 'job'],
    ['a_000000000000', 'attempt'],
    ['r_ffffffffffff', 'resource']
  ] as const)('%s is a %s ID', (id, type) => {
    expect(entityTypeOfId(id)).toBe(type)
    expect(isEntityId(id)).toBe(true)
    expect(isEntityId(id, type)).toBe(true)
    expect(id.startsWith(ENTITY_ID_PREFIX[type])).toBe(true)
  })

  it.each([
    'm_0123456789AB',
    'm_0123456789a',
    'm_0123456789abc',
    'x_0123456789ab',
    'mission',
    '',
    'aud_0123456789ab'
  ])('%j is not an entity ID', (id) => {
    expect(entityTypeOfId(id)).toBeNull()
    expect(isEntityId(id)).toBe(false)
  })

  it('isEntityId checks the type when given and rejects non-strings', () => {
    expect(isEntityId('j_0123456789ab', 'mission')).toBe(false)
    expect(isEntityId(42)).toBe(false)
  })

  it('schemas give messages that name the expected format', () => {
    const r = MissionIdSchema.safeParse('j_0123456789ab')
    expect(r.success).toBe(false)
    if (!r.success)
      expect(r.error.issues[0]?.message).toBe(
        'must be a mission ID: m_ followed by 12 lowercase hex characters'
      )
    expect(EntityIdSchema.safeParse('r_0123456789ab').success).toBe(true)
  })

  it('makeEntityId builds well-formed IDs', () => {
    expect(makeEntityId('job', '0123456789ABCDEF')).toBe('j_0123456789ab')
    expect(() => makeEntityId('job', '0123')).toThrow()
  })
})

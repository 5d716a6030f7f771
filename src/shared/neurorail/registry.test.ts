import { describe, expect, it } from 'vitest'
import {
  ERROR_CODES,
  ERROR_CODE_LIST,
  ERROR_CODE_PATTERN,
  NeuroRailErrorSchema,
  errorCodeInfo,
  isNeuroRailErrorCode,
  makeNeuroRailError
} from './errors'
import {
  PERMISSIONS,
  ROLES,
  ROLE_LEVEL,
  ROLE_PERMISSIONS,
  hasPermission,
  permissionCategory
} from './rbac'
import { BRAIN_CHANNELS, CHANNELS, STREAM_EVENT_TYPES } from './stream'

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `NR-E${String(from + i).padStart(3, '0')}`)

/** Every code API §5 names: E001–E007, E100–E104, E110–E114, E120–E123, E130–E134, E140–E143, E300–E304. */
const EXPECTED_CODES = [
  ...range(1, 7),
  ...range(100, 104),
  ...range(110, 114),
  ...range(120, 123),
  ...range(130, 134),
  ...range(140, 143),
  ...range(300, 304)
]

describe('error-code registry (§5)', () => {
  it('has exactly the codes of §5', () => {
    expect(EXPECTED_CODES).toHaveLength(35)
    expect([...ERROR_CODE_LIST].sort()).toEqual([...EXPECTED_CODES].sort())
  })

  it.each(EXPECTED_CODES)('%s is complete and typed', (code) => {
    const info = errorCodeInfo(code)
    expect(info).not.toBeNull()
    if (!info) return
    expect(info.code).toBe(code)
    expect(code).toMatch(ERROR_CODE_PATTERN)
    expect(info.name).toMatch(/^[A-Z][A-Z0-9_]+$/)
    expect(['mechanical', 'ethical', 'system']).toContain(info.category)
    expect(typeof info.retriable).toBe('boolean')
    expect(['info', 'warning', 'error', 'critical']).toContain(info.severity)
    expect(typeof info.immuneAlert).toBe('boolean')
    expect(info.description).toMatch(/^[A-Z].+\.$/)
  })

  it('names are unique', () => {
    const names = ERROR_CODE_LIST.map((c) => ERROR_CODES[c].name)
    expect(new Set(names).size).toBe(names.length)
  })

  it.each([
    ['NR-E001', 'EXEC_TIMEOUT', 'mechanical', false, 'warning'],
    ['NR-E002', 'EXEC_OVERBUDGET', 'mechanical', false, 'warning'],
    ['NR-E003', 'RETRY_EXHAUSTED', 'mechanical', false, 'error'],
    ['NR-E004', 'UPSTREAM_UNAVAILABLE', 'mechanical', true, 'warning'],
    ['NR-E005', 'BAD_RESPONSE_FORMAT', 'mechanical', true, 'warning'],
    ['NR-E006', 'POLICY_REFLEX_COOLDOWN', 'mechanical', true, 'info'],
    ['NR-E007', 'ORPHAN_KILLED', 'mechanical', false, 'error']
  ] as const)('%s matches the §5 table', (code, name, category, retriable, severity) => {
    expect(ERROR_CODES[code]).toMatchObject({ name, category, retriable, severity })
  })

  it('matches the facts §5 states for range-only codes', () => {
    expect(ERROR_CODES['NR-E102'].retriable).toBe(true) // parallelism is the retriable budget error
    expect(ERROR_CODES['NR-E140']).toMatchObject({ category: 'mechanical', retriable: true })
    expect(ERROR_CODES['NR-E302'].severity).toBe('critical')
    for (const code of range(300, 304))
      expect(ERROR_CODES[code as keyof typeof ERROR_CODES].category).toBe('system')
    // No ethical codes are defined (NR-E200–299 reserved).
    expect(ERROR_CODE_LIST.filter((c) => ERROR_CODES[c].category === 'ethical')).toEqual([])
  })

  it('makeNeuroRailError serialises from the registry and round-trips the schema', () => {
    const err = makeNeuroRailError('NR-E301', 'Invalid transition', {
      entity_type: 'job',
      target_state: 'running'
    })
    expect(err).toEqual({
      code: 'NR-E301',
      category: 'system',
      retriable: false,
      severity: 'error',
      message: 'Invalid transition',
      details: { entity_type: 'job', target_state: 'running' }
    })
    expect(NeuroRailErrorSchema.parse(err)).toEqual(err)
    expect(makeNeuroRailError('NR-E004').message).toBe(ERROR_CODES['NR-E004'].description)
    expect(makeNeuroRailError('NR-E004').details).toEqual({})
  })

  it('unknown codes are recognised as unknown but still parse', () => {
    expect(isNeuroRailErrorCode('NR-E999')).toBe(false)
    expect(errorCodeInfo('NR-E999')).toBeNull()
    expect(
      NeuroRailErrorSchema.safeParse({
        code: 'NR-E999',
        category: 'system',
        retriable: false,
        severity: 'error',
        message: 'x'
      }).success
    ).toBe(true)
  })
})

describe('RBAC (§7)', () => {
  // §7's own words: viewer has `read:audit|metrics|lifecycle|reflex|governor|enforcement`.
  const VIEWER = 'audit|metrics|lifecycle|reflex|governor|enforcement'
    .split('|')
    .map((s) => `read:${s}`)

  it('viewer has the 6 read permissions', () => {
    expect([...ROLE_PERMISSIONS.viewer].sort()).toEqual([...VIEWER].sort())
  })

  it('operator has viewer + 4 = 10', () => {
    expect(ROLE_PERMISSIONS.operator).toHaveLength(10)
    const added = ['write:enforcement', 'write:reflex', 'execute:job', 'execute:reflex']
    expect([...ROLE_PERMISSIONS.operator].sort()).toEqual([...VIEWER, ...added].sort())
  })

  it('admin has all 13, adding write:governor, manage:rbac, manage:system', () => {
    expect(PERMISSIONS).toHaveLength(13)
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSIONS].sort())
    const extra = ROLE_PERMISSIONS.admin.filter((p) => !ROLE_PERMISSIONS.operator.includes(p))
    expect(extra.sort()).toEqual(['manage:rbac', 'manage:system', 'write:governor'])
  })

  it('levels and categories', () => {
    expect(ROLES.map((r) => ROLE_LEVEL[r])).toEqual([1, 2, 3])
    expect(permissionCategory('execute:job')).toBe('execute')
  })

  it('hasPermission', () => {
    for (const role of ROLES) {
      for (const permission of PERMISSIONS) {
        expect(hasPermission(role, permission)).toBe(ROLE_PERMISSIONS[role].includes(permission))
      }
    }
    expect(hasPermission('viewer', 'manage:system')).toBe(false)
    expect(hasPermission('admin', 'manage:system')).toBe(true)
    expect(hasPermission('root', 'read:audit')).toBe(false)
    expect(hasPermission('admin', 'stream:events')).toBe(false)
  })
})

describe('stream channels and event types (§6)', () => {
  it('channels are BRAiN’s seven plus signals', () => {
    // §6: "Channels: `audit, lifecycle, metrics, reflex, governor, enforcement, all`".
    const brain = 'audit, lifecycle, metrics, reflex, governor, enforcement, all'.split(', ')
    expect([...BRAIN_CHANNELS].sort()).toEqual(brain.sort())
    expect([...CHANNELS].sort()).toEqual([...BRAIN_CHANNELS, 'signals'].sort())
  })

  it('lists the event types ControlDeck consumes, by channel', () => {
    // §6: "ControlDeck consumes: lifecycle `state_transition` …; reflex …; enforcement …".
    const words = (text: string) => text.split(' ')
    expect(STREAM_EVENT_TYPES).toEqual({
      lifecycle: words('state_transition'),
      reflex: words('circuit_state_changed trigger_activated reflex_action_executed'),
      enforcement: words(
        'timeout_enforced retry_attempted parallelism_rejected cost_tracked budget_violation'
      )
    })
  })
})

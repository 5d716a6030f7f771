import { describe, expect, it } from 'vitest'
import {
  PERMISSIONS,
  RbacCheckResponseSchema,
  RbacInfoSchema,
  RbacPermissionsSchema,
  RbacRolePermissionsSchema,
  RbacRolesSchema,
  RbacStatsSchema
} from '../../shared/neurorail'
import { suiteEngine } from '../testing/suite'

describe('rbac routes', () => {
  const t = suiteEngine({ tokens: [{ token: 'viewer-token-abc', role: 'viewer' }] })

  it('describes roles and permissions as §7 says', async () => {
    const info = RbacInfoSchema.parse((await t.api('GET', '/rbac/info')).body)
    expect(info.permissions).toEqual([...PERMISSIONS])
    expect(info.roles.map((r) => [r.role, r.permissions.length])).toEqual([
      ['viewer', 6],
      ['operator', 10],
      ['admin', 13]
    ])
    const roles = RbacRolesSchema.parse((await t.api('GET', '/rbac/roles')).body)
    expect(roles.roles.map((r) => [r.role, r.level])).toEqual([
      ['admin', 3],
      ['operator', 2],
      ['viewer', 1]
    ])
    const perms = RbacPermissionsSchema.parse((await t.api('GET', '/rbac/permissions')).body)
    expect(perms.permissions).toHaveLength(13)
    const op = RbacRolePermissionsSchema.parse(
      (await t.api('GET', '/rbac/roles/operator/permissions')).body
    )
    expect(op).toMatchObject({ role: 'operator', permission_count: 10 })
    expect((await t.api('GET', '/rbac/roles/root/permissions')).status).toBe(404)
  })

  it('checks permissions (all or any) and validates input', async () => {
    const all = RbacCheckResponseSchema.parse(
      (await t.api('POST', '/rbac/check?user_id=u1&role=viewer', ['read:audit', 'manage:system']))
        .body
    )
    expect(all).toMatchObject({
      allowed: false,
      required_permissions: ['read:audit', 'manage:system']
    })
    const any = RbacCheckResponseSchema.parse(
      (
        await t.api('POST', '/rbac/check?user_id=u1&role=viewer&require_all=false', [
          'read:audit',
          'manage:system'
        ])
      ).body
    )
    expect(any).toMatchObject({ allowed: true, reason: null })
    expect((await t.api('POST', '/rbac/check?user_id=u1&role=god', ['read:audit'])).status).toBe(
      422
    )
    expect(
      (await t.api('POST', '/rbac/check?user_id=u1&role=admin', ['read:everything'])).status
    ).toBe(422)
  })

  it('counts authorizations and denials, and guards /rbac/stats with manage:rbac', async () => {
    const before = RbacStatsSchema.parse((await t.api('GET', '/rbac/stats')).body)
    expect(
      (await t.api('GET', '/rbac/stats', undefined, { token: 'viewer-token-abc' })).status
    ).toBe(403)
    const after = RbacStatsSchema.parse((await t.api('GET', '/rbac/stats')).body)
    // The denied viewer call and the second admin call itself.
    expect(after.denied_count).toBe(before.denied_count + 1)
    expect(after.authorization_count).toBe(before.authorization_count + 2)
    expect(after.denial_rate).toBeCloseTo(after.denied_count / after.authorization_count)
  })
})

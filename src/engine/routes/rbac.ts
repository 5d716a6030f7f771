import {
  PERMISSIONS,
  permissionCategory,
  RbacCheckBodySchema,
  RbacCheckQuerySchema,
  ROLE_DESCRIPTIONS,
  ROLE_LEVEL,
  ROLE_PERMISSIONS,
  ROLES,
  RoleSchema
} from '../../shared/neurorail'
import { notFound } from '../http/errors'
import { queryObject } from '../http/query'
import type { Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

const PERMISSION_DESCRIPTIONS: Record<string, string> = {
  'read:audit': 'Read audit events and subscribe to the event stream',
  'read:metrics': 'Read telemetry, stream statistics and Prometheus metrics',
  'read:lifecycle': 'Read identities, lifecycle states and histories',
  'read:reflex': 'Read reflex state',
  'read:governor': 'Read governor information and decisions',
  'read:enforcement': 'Read budget enforcement state',
  'write:enforcement': 'Change budget enforcement settings',
  'write:reflex': 'Change reflex settings',
  'write:governor': 'Change governor configuration',
  'execute:job': 'Create identities, transition lifecycles, log audit events, report telemetry, ask the governor',
  'execute:reflex': 'Trigger reflex actions',
  'manage:rbac': 'Read authorization statistics and manage tokens',
  'manage:system': 'Publish stream events and clear the event log'
}

/** RBAC routes (API §3/§7): mounted here, and the guards they describe are enforced on every route. */
export function registerRbacRoutes(router: Router, s: EngineServices): void {
  const stats = (): { authorization_count: number; denied_count: number; denial_rate: number } => {
    const m = s.httpMetrics
    return {
      authorization_count: m.authorizations,
      denied_count: m.denials,
      denial_rate: m.authorizations > 0 ? m.denials / m.authorizations : 0
    }
  }
  router.get('/rbac/info', { permission: null }, () => ({
    name: 'NeuroRail RBAC (ControlDeck engine)',
    version: '1.0.0',
    roles: ROLES.map((role) => ({ role, permissions: [...ROLE_PERMISSIONS[role]] })),
    permissions: [...PERMISSIONS],
    stats: stats()
  }))
  router.get('/rbac/roles', { permission: null }, () => ({
    roles: [...ROLES].reverse().map((role) => ({ role, description: ROLE_DESCRIPTIONS[role], level: ROLE_LEVEL[role] }))
  }))
  router.get('/rbac/permissions', { permission: null }, () => ({
    permissions: PERMISSIONS.map((p) => ({
      permission: p,
      category: permissionCategory(p),
      description: PERMISSION_DESCRIPTIONS[p] ?? ''
    }))
  }))
  router.get('/rbac/roles/:role/permissions', { permission: null }, (c) => {
    const r = RoleSchema.safeParse(c.params.role)
    // The real backend answers 200 {error}; a missing role is a 404 here.
    if (!r.success) throw notFound(`Role ${c.params.role} not found`)
    const permissions = [...ROLE_PERMISSIONS[r.data]]
    return { role: r.data, permissions, permission_count: permissions.length }
  })
  router.post('/rbac/check', { permission: null }, (c) => {
    const q = parseOr422(RbacCheckQuerySchema, queryObject(c.query), 'query')
    const required = parseOr422(RbacCheckBodySchema, c.body)
    const granted = ROLE_PERMISSIONS[q.role]
    const missing = required.filter((p) => !granted.includes(p))
    const allowed = q.require_all ? missing.length === 0 : missing.length < required.length
    return {
      allowed,
      reason: allowed ? null : `Role '${q.role}' lacks ${missing.join(', ')}`,
      required_permissions: required,
      user_permissions: [...granted]
    }
  })
  router.get('/rbac/stats', { permission: 'manage:rbac' }, () => stats())
}

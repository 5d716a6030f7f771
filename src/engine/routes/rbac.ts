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
import { notFound } from '../errors'
import { z } from 'zod'
import { route, type RouteDef } from '../http/route'
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
  'execute:job':
    'Create identities, transition lifecycles, log audit events, report telemetry, ask the governor',
  'execute:reflex': 'Trigger reflex actions',
  'manage:rbac': 'Read authorization statistics and manage tokens',
  'manage:system': 'Publish stream events and clear the event log'
}

/** RBAC routes (API §3/§7): mounted here, and the guards they describe are enforced on every route. */
export function rbacRoutes(s: EngineServices): RouteDef[] {
  const stats = (): { authorization_count: number; denied_count: number; denial_rate: number } => {
    const m = s.httpMetrics
    return {
      authorization_count: m.authorizations,
      denied_count: m.denials,
      denial_rate: m.authorizations > 0 ? m.denials / m.authorizations : 0
    }
  }
  return [
    route({
      method: 'GET',
      path: '/rbac/info',
      permission: null,
      handler: () => ({
        name: 'NeuroRail RBAC (ControlDeck engine)',
        version: '1.0.0',
        roles: ROLES.map((role) => ({ role, permissions: [...ROLE_PERMISSIONS[role]] })),
        permissions: [...PERMISSIONS],
        stats: stats()
      })
    }),
    route({
      method: 'GET',
      path: '/rbac/roles',
      permission: null,
      handler: () => ({
        roles: [...ROLES]
          .reverse()
          .map((role) => ({ role, description: ROLE_DESCRIPTIONS[role], level: ROLE_LEVEL[role] }))
      })
    }),
    route({
      method: 'GET',
      path: '/rbac/permissions',
      permission: null,
      handler: () => ({
        permissions: PERMISSIONS.map((p) => ({
          permission: p,
          category: permissionCategory(p),
          description: PERMISSION_DESCRIPTIONS[p] ?? ''
        }))
      })
    }),
    route({
      method: 'GET',
      path: '/rbac/roles/:role/permissions',
      permission: null,
      params: z.object({ role: z.string() }),
      handler: ({ params }) => {
        const r = RoleSchema.safeParse(params.role)
        // The real backend answers 200 {error}; a missing role is a 404 here (not a 422).
        if (!r.success) throw notFound(`Role ${params.role} not found`)
        const permissions = [...ROLE_PERMISSIONS[r.data]]
        return { role: r.data, permissions, permission_count: permissions.length }
      }
    }),
    route({
      method: 'POST',
      path: '/rbac/check',
      permission: null,
      query: RbacCheckQuerySchema,
      body: RbacCheckBodySchema,
      handler: ({ query, body: required }) => {
        const granted = ROLE_PERMISSIONS[query.role]
        const missing = required.filter((p) => !granted.includes(p))
        const allowed = query.require_all ? missing.length === 0 : missing.length < required.length
        return {
          allowed,
          reason: allowed ? null : `Role '${query.role}' lacks ${missing.join(', ')}`,
          required_permissions: required,
          user_permissions: [...granted]
        }
      }
    }),
    route({ method: 'GET', path: '/rbac/stats', permission: 'manage:rbac', handler: () => stats() })
  ]
}

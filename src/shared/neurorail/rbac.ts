import { z } from 'zod'
import { NullableStringSchema, oneOfSchema, orNull } from './common'

/** Roles, lowest to highest privilege (levels 1, 2, 3). */
export const ROLES = ['viewer', 'operator', 'admin'] as const
export const RoleSchema = oneOfSchema('role', ROLES)
export type Role = z.infer<typeof RoleSchema>

/** Role level as the real backend reports it in GET /rbac/roles. */
export const ROLE_LEVEL = { viewer: 1, operator: 2, admin: 3 } as const satisfies Record<
  Role,
  number
>

/** The 13 permissions of API §7 (the code's set, not the docs' different one). */
export const PERMISSIONS = [
  'read:audit',
  'read:metrics',
  'read:lifecycle',
  'read:reflex',
  'read:governor',
  'read:enforcement',
  'write:enforcement',
  'write:reflex',
  'write:governor',
  'execute:job',
  'execute:reflex',
  'manage:rbac',
  'manage:system'
] as const
export const PermissionSchema = oneOfSchema('permission', PERMISSIONS)
export type Permission = z.infer<typeof PermissionSchema>

/** Permission categories (the part before the colon). */
export const PERMISSION_CATEGORIES = ['read', 'write', 'execute', 'manage'] as const
export const PermissionCategorySchema = z.enum(PERMISSION_CATEGORIES)
export type PermissionCategory = z.infer<typeof PermissionCategorySchema>

/** Category of a permission (the part before the colon). */
export function permissionCategory(permission: Permission): PermissionCategory {
  return permission.split(':')[0] as PermissionCategory
}

const VIEWER: readonly Permission[] = [
  'read:audit',
  'read:metrics',
  'read:lifecycle',
  'read:reflex',
  'read:governor',
  'read:enforcement'
]
const OPERATOR: readonly Permission[] = [
  ...VIEWER,
  'write:enforcement',
  'write:reflex',
  'execute:job',
  'execute:reflex'
]

/** Permissions per role: viewer 6, operator 10, admin all 13. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: VIEWER,
  operator: OPERATOR,
  admin: PERMISSIONS
}

/** One-line descriptions, for GET /rbac/roles and /rbac/permissions answers of our engine. */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  viewer: 'Read-only access to audit, metrics, lifecycle, reflex, governor and enforcement data.',
  operator:
    'Viewer access plus writing enforcement and reflex settings and executing jobs and reflexes.',
  admin: 'Full access, including governor configuration, RBAC and system management.'
}

/** True when `role` grants `permission`. Unknown roles grant nothing. */
export function hasPermission(role: string, permission: string): boolean {
  const granted = (ROLE_PERMISSIONS as Record<string, readonly string[] | undefined>)[role]
  return granted !== undefined && granted.includes(permission)
}

/** GET /rbac/roles */
export const RbacRolesSchema = z.object({
  roles: z.array(
    z.object({
      role: z.string(),
      description: z.string().default(''),
      level: z.number().int()
    })
  )
})
export type RbacRoles = z.infer<typeof RbacRolesSchema>

/** GET /rbac/permissions */
export const RbacPermissionsSchema = z.object({
  permissions: z.array(
    z.object({
      permission: z.string(),
      category: PermissionCategorySchema,
      description: z.string().default('')
    })
  )
})
export type RbacPermissions = z.infer<typeof RbacPermissionsSchema>

/** A 200 `{error}` body: how the real backend reports bad input on RBAC routes. */
export const RbacErrorBodySchema = z.object({ error: z.string() })
export type RbacErrorBody = z.infer<typeof RbacErrorBodySchema>

/** GET /rbac/roles/{role}/permissions; a bad role is a 200 `{error}`. */
export const RbacRolePermissionsSchema = z.union([
  z.object({
    role: z.string(),
    permissions: z.array(z.string()),
    permission_count: z.number().int().nonnegative()
  }),
  RbacErrorBodySchema
])
export type RbacRolePermissions = z.infer<typeof RbacRolePermissionsSchema>

/** POST /rbac/check?user_id=&role=&require_all=true query; the body is a JSON array of permissions. */
export const RbacCheckQuerySchema = z.object({
  user_id: z.string().min(1),
  role: RoleSchema,
  require_all: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .default(true)
    .transform((v) => v === true || v === 'true')
})
export type RbacCheckQuery = z.infer<typeof RbacCheckQuerySchema>

/** POST /rbac/check body. */
export const RbacCheckBodySchema = z.array(PermissionSchema).min(1, 'name at least one permission')
export type RbacCheckBody = z.infer<typeof RbacCheckBodySchema>

/** POST /rbac/check response; bad input is a 200 `{error}`. */
export const RbacCheckResponseSchema = z.union([
  z.object({
    allowed: z.boolean(),
    reason: NullableStringSchema,
    required_permissions: z.array(z.string()),
    user_permissions: z.array(z.string())
  }),
  RbacErrorBodySchema
])
export type RbacCheckResponse = z.infer<typeof RbacCheckResponseSchema>

/** GET /rbac/stats */
export const RbacStatsSchema = z.object({
  authorization_count: z.number().int().nonnegative(),
  denied_count: z.number().int().nonnegative(),
  denial_rate: z.number()
})
export type RbacStats = z.infer<typeof RbacStatsSchema>

/** GET /rbac/info */
export const RbacInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  roles: z.array(z.object({ role: z.string(), permissions: z.array(z.string()) })),
  permissions: z.array(z.string()),
  stats: orNull(RbacStatsSchema)
})
export type RbacInfo = z.infer<typeof RbacInfoSchema>

/**
 * The `detail` object of a 403: `{"detail": {"error": "Insufficient permissions", reason,
 * required_permissions, user_permissions}}` (unreachable on BRAiN, enforced by our engine).
 */
export const ForbiddenDetailSchema = z.object({
  error: z.string(),
  reason: NullableStringSchema,
  required_permissions: z.array(z.string()).default([]),
  user_permissions: z.array(z.string()).default([])
})
export type ForbiddenDetail = z.infer<typeof ForbiddenDetailSchema>

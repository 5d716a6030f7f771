import { hasPermission, type Permission } from '../../../../shared/neurorail/rbac'
import { useStore } from '../../store'

/** Whether a write action is allowed here, and if not, a sentence saying why (for the tooltip). */
export interface WriteGate {
  allowed: boolean
  reason: string | null
}

/**
 * Gates operator actions: refused on read-only environments, and for roles without the
 * permission. An unknown role (a backend without RBAC) leaves the decision to the backend.
 */
export function writeGate(
  readOnly: boolean,
  role: string | null | undefined,
  permission: Permission | null
): WriteGate {
  if (readOnly)
    return { allowed: false, reason: 'This environment is read-only; write actions are disabled.' }
  if (permission && role && !hasPermission(role, permission))
    return {
      allowed: false,
      reason: `Your role (${role}) does not have the ${permission} permission.`
    }
  return { allowed: true, reason: null }
}

/** The write gate for the active environment and the connection's role. */
export function useWriteGate(permission: Permission | null): WriteGate {
  const readOnly = useStore(
    (s) => s.environments.find((e) => e.id === s.activeEnvironmentId)?.readOnly ?? false
  )
  const role = useStore((s) => s.connection?.role ?? null)
  return writeGate(readOnly, role, permission)
}

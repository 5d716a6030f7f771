import type { Router } from '../http/router'
import type { EngineServices } from '../services'
import { registerAuditRoutes } from './audit'
import { registerGovernanceRoutes } from './governance'
import { registerGovernorRoutes } from './governor'
import { registerIdentityRoutes } from './identity'
import { registerLifecycleRoutes } from './lifecycle'
import { registerRbacRoutes } from './rbac'
import { registerStreamRoutes } from './stream'
import { registerSystemRoutes } from './system'
import { registerTelemetryRoutes } from './telemetry'

/** A route module: registers its routes on the router with the engine's services. */
export type RouteModule = (router: Router, services: EngineServices) => void

/**
 * Every route module of the engine. To add an area (budgets, reflexes…), write
 * `routes/<area>.ts` exporting `register<Area>Routes` and add it to this list: one line.
 */
export const ROUTE_MODULES: readonly RouteModule[] = [
  registerSystemRoutes,
  registerIdentityRoutes,
  registerLifecycleRoutes,
  registerAuditRoutes,
  registerTelemetryRoutes,
  registerGovernorRoutes,
  registerStreamRoutes,
  registerRbacRoutes,
  registerGovernanceRoutes
]

/** Registers every route module. */
export function registerAllRoutes(router: Router, services: EngineServices): void {
  for (const register of ROUTE_MODULES) register(router, services)
}

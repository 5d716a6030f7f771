import type { RouteDef } from '../http/route'
import type { EngineServices } from '../services'
import { auditRoutes } from './audit'
import { governorRoutes } from './governor'
import { identityRoutes } from './identity'
import { lifecycleRoutes } from './lifecycle'
import { rbacRoutes } from './rbac'
import { streamRoutes } from './stream'
import { systemRoutes } from './system'
import { telemetryRoutes } from './telemetry'

/** A core route table: the routes of one area, declared as data over the engine's services. */
export type RouteModule = (services: EngineServices) => RouteDef[]

/**
 * The core's route tables. To add a core area, write `routes/<area>.ts` exporting `<area>Routes`
 * and add it here: one line. Modules (governance, …) bring their own routes (`EngineModule`).
 */
export const ROUTE_MODULES: readonly RouteModule[] = [
  systemRoutes,
  identityRoutes,
  lifecycleRoutes,
  auditRoutes,
  telemetryRoutes,
  governorRoutes,
  streamRoutes,
  rbacRoutes
]

/** Every core route. */
export function coreRoutes(services: EngineServices): RouteDef[] {
  return ROUTE_MODULES.flatMap((routes) => routes(services))
}

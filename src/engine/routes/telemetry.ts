import { TelemetryReportRequestSchema } from '../../shared/neurorail'
import { route, type RouteDef } from '../http/route'
import type { EngineServices } from '../services'
import { EntityIdParams } from './params'

/** Telemetry routes (API §3) plus the `POST /telemetry/report` extension. */
export function telemetryRoutes({ telemetry }: EngineServices): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/telemetry/metrics/:entity_id',
      permission: 'read:metrics',
      params: EntityIdParams,
      handler: ({ params }) => telemetry.metrics(params.entity_id)
    }),
    route({
      method: 'GET',
      path: '/telemetry/snapshot',
      permission: 'read:metrics',
      handler: () => telemetry.snapshot()
    }),
    route({
      method: 'POST',
      path: '/telemetry/report',
      permission: 'execute:job',
      body: TelemetryReportRequestSchema,
      handler: ({ body }) => telemetry.report(body)
    })
  ]
}

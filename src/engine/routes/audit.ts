import {
  AuditLogRequestSchema,
  AuditQueryRequestSchema,
  AuditStatsQuerySchema
} from '../../shared/neurorail'
import { route, type RouteDef } from '../http/route'
import { Reply } from '../http/router'
import type { EngineServices } from '../services'
import { MissionIdParams, orEmpty } from './params'

/** Audit routes (API §3) plus the `POST /audit/log` extension. */
export function auditRoutes({ audit }: EngineServices): RouteDef[] {
  return [
    route({
      method: 'POST',
      path: '/audit/query',
      permission: 'read:audit',
      body: orEmpty(AuditQueryRequestSchema),
      handler: ({ body }) => audit.query(body)
    }),
    route({
      method: 'GET',
      path: '/audit/mission/:mission_id',
      permission: 'read:audit',
      params: MissionIdParams,
      handler: ({ params }) => audit.byMission(params.mission_id)
    }),
    route({
      method: 'GET',
      path: '/audit/stats',
      permission: 'read:audit',
      query: AuditStatsQuerySchema,
      handler: ({ query }) => audit.stats(query.start_time, query.end_time)
    }),
    route({
      method: 'POST',
      path: '/audit/log',
      permission: 'execute:job',
      body: AuditLogRequestSchema,
      handler: ({ body }) => new Reply(201, audit.write(body))
    })
  ]
}

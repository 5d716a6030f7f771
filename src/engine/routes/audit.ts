import { AuditLogRequestSchema, AuditQueryRequestSchema, AuditStatsQuerySchema } from '../../shared/neurorail'
import { queryObject } from '../http/query'
import { Reply, type Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

/** Audit routes (API §3) plus the `POST /audit/log` extension. */
export function registerAuditRoutes(router: Router, s: EngineServices): void {
  const { audit } = s
  const READ = { permission: 'read:audit' }
  router.post('/audit/query', READ, (c) => audit.query(parseOr422(AuditQueryRequestSchema, c.body ?? {})))
  router.get('/audit/mission/:mission_id', READ, (c) => audit.byMission(c.params.mission_id as string))
  router.get('/audit/stats', READ, (c) => {
    const q = parseOr422(AuditStatsQuerySchema, queryObject(c.query), 'query')
    return audit.stats(q.start_time, q.end_time)
  })
  router.post('/audit/log', { permission: 'execute:job' }, (c) =>
    new Reply(201, audit.write(parseOr422(AuditLogRequestSchema, c.body)))
  )
}

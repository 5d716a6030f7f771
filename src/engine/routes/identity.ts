import { z } from 'zod'
import {
  CreateAttemptRequestSchema,
  CreateJobRequestSchema,
  CreateMissionRequestSchema,
  CreatePlanRequestSchema,
  CreateResourceRequestSchema,
  EntityTypeSchema,
  ListQuerySchema,
  PageQuerySchema,
  type EntityType
} from '../../shared/neurorail'
import { queryObject } from '../http/query'
import { parseCreateTransitions } from '../lifecycle/batch'
import { Reply, type Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

const READ = { permission: 'read:lifecycle' }
const WRITE = { permission: 'execute:job' }

const EntityTypeParam = z.object({ entity_type: EntityTypeSchema })

/** Identity routes (API §3) plus the list and children extensions. */
export function registerIdentityRoutes(router: Router, s: EngineServices): void {
  const { identity } = s
  const { lifecycle } = s
  // Extension (feature `create_transitions`): mission, job and attempt creates accept
  // `transitions: [{transition, metadata?, caused_by?}]`, applied to the new entity right after it
  // is created, as POST /lifecycle/batch would; the 201 body then carries `lifecycle` (its result).
  router.post('/identity/mission', WRITE, (c) => {
    const req = parseOr422(CreateMissionRequestSchema, c.body ?? {})
    const follow = parseCreateTransitions(c.body, lifecycle, 'mission')
    const record = identity.createMission(req)
    return new Reply(201, follow ? { ...record, lifecycle: follow(record.mission_id) } : record)
  })
  router.post('/identity/plan', WRITE, (c) =>
    new Reply(201, identity.createPlan(parseOr422(CreatePlanRequestSchema, c.body)))
  )
  router.post('/identity/job', WRITE, (c) => {
    const req = parseOr422(CreateJobRequestSchema, c.body)
    const follow = parseCreateTransitions(c.body, lifecycle, 'job')
    const record = identity.createJob(req)
    return new Reply(201, follow ? { ...record, lifecycle: follow(record.job_id) } : record)
  })
  router.post('/identity/attempt', WRITE, (c) => {
    const req = parseOr422(CreateAttemptRequestSchema, c.body)
    const follow = parseCreateTransitions(c.body, lifecycle, 'attempt')
    const record = identity.createAttempt(req)
    return new Reply(201, follow ? { ...record, lifecycle: follow(record.attempt_id) } : record)
  })
  router.post('/identity/resource', WRITE, (c) =>
    new Reply(201, identity.createResource(parseOr422(CreateResourceRequestSchema, c.body)))
  )

  for (const type of ['mission', 'plan', 'job', 'attempt', 'resource'] as const satisfies readonly EntityType[]) {
    router.get(`/identity/${type}/:id`, READ, (c) => identity.require(type, c.params.id as string))
  }

  router.get('/identity/trace/:entity_type/:id', READ, (c) => {
    // The real backend answers a bad type with 400 (string detail); keep that.
    const t = EntityTypeParam.safeParse({ entity_type: c.params.entity_type })
    if (!t.success) return new Reply(400, { detail: `Invalid entity type: ${c.params.entity_type}` })
    return identity.trace(t.data.entity_type, c.params.id as string)
  })

  const listQuery = (q: URLSearchParams) => parseOr422(ListQuerySchema, queryObject(q), 'query')
  router.get('/identity/missions', READ, (c) => identity.listMissions(listQuery(c.query)))
  router.get('/identity/jobs', READ, (c) => identity.listJobs(listQuery(c.query)))
  router.get('/identity/attempts', READ, (c) => identity.listAttempts(listQuery(c.query)))

  router.get('/identity/children/:entity_type/:id', READ, (c) => {
    const t = EntityTypeParam.safeParse({ entity_type: c.params.entity_type })
    if (!t.success) return new Reply(400, { detail: `Invalid entity type: ${c.params.entity_type}` })
    const q = parseOr422(PageQuerySchema, queryObject(c.query), 'query')
    return identity.children(t.data.entity_type, c.params.id as string, q.cursor, q.limit)
  })
}

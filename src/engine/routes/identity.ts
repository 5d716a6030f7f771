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
  type CreateAttemptRequest,
  type EntityType,
  type Page
} from '../../shared/neurorail'
import { emptyRollup } from '../../shared/neurorail/rollup'
import { pageRollups, type RollupKind } from '../telemetry/rollups'
import { queryObject } from '../http/query'
import { parseAtomic, parseCreateTransitions, parseFirstAttempt, type FirstAttempt } from '../lifecycle/batch'
import type { TransitionBatchResult, TransitionResult } from '../lifecycle/service'
import { isHttpError } from '../http/errors'
import { Reply, type Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

const READ = { permission: 'read:lifecycle' }
const WRITE = { permission: 'execute:job' }

const EntityTypeParam = z.object({ entity_type: EntityTypeSchema })

/** Extension `list_rollups`: each item of the page gains `rollup` when the query asked for it. */
function withRollups<T extends Record<string, unknown>>(
  s: EngineServices,
  kind: RollupKind,
  wanted: boolean,
  page: Page<T>
): Page<T> {
  if (!wanted) return page
  const key = `${kind}_id`
  const rollups = pageRollups(s.store, kind, page.items.map((item) => String(item[key])))
  return { ...page, items: page.items.map((item) => ({ ...item, rollup: rollups.get(String(item[key])) ?? emptyRollup() })) }
}

/** Rolls an atomic create back; carries the refused transition's answer. */
class AtomicRefusal extends Error {
  constructor(readonly result: TransitionResult) {
    super('atomic create refused')
  }
}

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
  // Extension (feature `create_job_attempt`): `attempt: {attempt_number?, metadata?, transitions?}`
  // creates the job's first attempt in the same request, once the job's own transitions all
  // applied (else `attempt` is null). An attempt the engine refuses to create is reported as
  // `attempt: {error: {status, body}}`, the job staying created: the request never half-fails.
  router.post('/identity/job', WRITE, (c) => {
    const req = parseOr422(CreateJobRequestSchema, c.body)
    const follow = parseCreateTransitions(c.body, lifecycle, 'job')
    const first = parseFirstAttempt(c.body)
    const record = identity.createJob(req)
    const walked = follow ? follow(record.job_id) : null
    if (!first) return new Reply(201, walked ? { ...record, lifecycle: walked } : record)
    // The attempt comes only after every job transition applied (as separate calls would stop).
    const jobOk = walked === null || walked.applied === walked.results.length + walked.skipped
    return new Reply(201, { ...record, ...(walked ? { lifecycle: walked } : {}), attempt: jobOk ? createFirstAttempt(record.job_id, first) : null })
  })
  const createFirstAttempt = (jobId: string, first: FirstAttempt): Record<string, unknown> => {
    const list = first.transitions
    const follow = list
      ? (id: string) =>
          lifecycle.transitionAll(
            list.map((t) => ({ entityType: 'attempt', entityId: id, action: t.transition, metadata: t.metadata, causedBy: t.caused_by }))
          )
      : null
    try {
      const made = createAttempt({ job_id: jobId, attempt_number: first.attempt_number, metadata: first.metadata }, follow, first.atomic)
      return 'refused' in made ? { error: made.refused } : made.record
    } catch (err) {
      if (!isHttpError(err)) throw err
      return { error: { status: err.status, body: { detail: err.detail } } }
    }
  }
  /**
   * Creates an attempt and applies its `transitions`. With `atomic` (feature `atomic_create`) both
   * run as one unit that a refused transition rolls back: nothing is left, and the refusal (the
   * single transition call's status, body and headers) is the answer.
   */
  const createAttempt = (
    req: CreateAttemptRequest,
    follow: ((id: string) => TransitionBatchResult) | null,
    atomic: boolean
  ): { record: Record<string, unknown> } | { refused: TransitionResult } => {
    const make = (): Record<string, unknown> => {
      const record = identity.createAttempt(req)
      if (!follow) return record
      const walked = follow(record.attempt_id)
      if (atomic && walked.applied < walked.results.length + walked.skipped) {
        throw new AtomicRefusal(walked.results[walked.results.length - 1]!)
      }
      return { ...record, lifecycle: walked }
    }
    if (!atomic || !follow) return { record: make() }
    try {
      return { record: s.store.transaction(make) }
    } catch (err) {
      if (err instanceof AtomicRefusal) return { refused: err.result }
      throw err
    }
  }
  // Extension (feature `atomic_create`): `atomic: true` beside `transitions` (see createAttempt).
  router.post('/identity/attempt', WRITE, (c) => {
    const req = parseOr422(CreateAttemptRequestSchema, c.body)
    const follow = parseCreateTransitions(c.body, lifecycle, 'attempt')
    const made = createAttempt(req, follow, parseAtomic(c.body))
    if ('refused' in made) return new Reply(made.refused.status, made.refused.body, made.refused.headers)
    return new Reply(201, made.record)
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
  router.get('/identity/missions', READ, (c) => {
    const q = listQuery(c.query)
    return withRollups(s, 'mission', q.rollups, identity.listMissions(q))
  })
  router.get('/identity/jobs', READ, (c) => {
    const q = listQuery(c.query)
    return withRollups(s, 'job', q.rollups, identity.listJobs(q))
  })
  router.get('/identity/attempts', READ, (c) => {
    const q = listQuery(c.query)
    return withRollups(s, 'attempt', q.rollups, identity.listAttempts(q))
  })

  router.get('/identity/children/:entity_type/:id', READ, (c) => {
    const t = EntityTypeParam.safeParse({ entity_type: c.params.entity_type })
    if (!t.success) return new Reply(400, { detail: `Invalid entity type: ${c.params.entity_type}` })
    const q = parseOr422(PageQuerySchema, queryObject(c.query), 'query')
    return identity.children(t.data.entity_type, c.params.id as string, q.cursor, q.limit)
  })
}

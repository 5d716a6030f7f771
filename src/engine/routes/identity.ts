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
import { asHttpError, HttpError } from '../http/errors'
import {
  applyToCreated,
  parseAtomic,
  parseCreateTransitions,
  parseFirstAttempt,
  type FirstAttempt,
  type TransitionBatchResult,
  type TransitionResult
} from './batch'
import { route, type RouteDef, type RouteInput } from '../http/route'
import { Reply } from '../http/router'
import { emptyRollup } from '../../shared/neurorail/rollup'
import { pageRollups, type RollupKind } from '../telemetry/rollups'
import type { EngineServices } from '../services'
import { IdParams, orEmpty, TypedIdParams } from './params'

/** The real backend answers a bad type with 400 (string detail), not 422; keep that. */
function entityType(raw: string): EntityType {
  const t = EntityTypeSchema.safeParse(raw)
  if (!t.success) throw new HttpError(400, `Invalid entity type: ${raw}`)
  return t.data
}

/** Extension `list_rollups`: each item of the page gains `rollup` when the query asked for it. */
function withRollups<T extends Record<string, unknown>>(
  s: EngineServices,
  kind: RollupKind,
  wanted: boolean,
  page: Page<T>
): Page<T> {
  if (!wanted) return page
  const key = `${kind}_id`
  const rollups = pageRollups(
    s.store,
    kind,
    page.items.map((item) => String(item[key]))
  )
  return {
    ...page,
    items: page.items.map((item) => ({
      ...item,
      rollup: rollups.get(String(item[key])) ?? emptyRollup()
    }))
  }
}

/** Rolls an atomic create back; carries the refused transition's answer. */
class AtomicRefusal extends Error {
  constructor(readonly result: TransitionResult) {
    super('atomic create refused')
  }
}

/** Identity routes (API §3) plus the list and children extensions. */
export function identityRoutes(s: EngineServices): RouteDef[] {
  const { identity, lifecycle } = s
  /** `POST /identity/<type>` (execute:job): the handler creates the entity and builds the answer. */
  const create = <B extends z.ZodType>(
    type: EntityType,
    body: B,
    handler: (input: RouteInput<undefined, undefined, B>) => Reply
  ): RouteDef =>
    route({ method: 'POST', path: `/identity/${type}`, permission: 'execute:job', body, handler })
  // Extension (feature `create_transitions`): mission, job and attempt creates accept
  // `transitions: [{transition, metadata?, caused_by?}]`, applied to the new entity right after it
  // is created, as POST /lifecycle/batch would; the 201 body then carries `lifecycle` (its result).
  const createMission = create('mission', orEmpty(CreateMissionRequestSchema), ({ body, ctx }) => {
    const follow = parseCreateTransitions(ctx.body, lifecycle, 'mission')
    const record = identity.createMission(body)
    return new Reply(201, follow ? { ...record, lifecycle: follow(record.mission_id) } : record)
  })
  const createPlan = create(
    'plan',
    CreatePlanRequestSchema,
    ({ body }) => new Reply(201, identity.createPlan(body))
  )
  // Extension (feature `create_job_attempt`): `attempt: {attempt_number?, metadata?, transitions?}`
  // creates the job's first attempt in the same request, once the job's own transitions all
  // applied (else `attempt` is null). An attempt the engine refuses to create is reported as
  // `attempt: {error: {status, body}}`, the job staying created: the request never half-fails.
  const createJob = create('job', CreateJobRequestSchema, ({ body, ctx }) => {
    const follow = parseCreateTransitions(ctx.body, lifecycle, 'job')
    const first = parseFirstAttempt(ctx.body)
    const record = identity.createJob(body)
    const walked = follow ? follow(record.job_id) : null
    if (!first) return new Reply(201, walked ? { ...record, lifecycle: walked } : record)
    // The attempt comes only after every job transition applied (as separate calls would stop).
    const jobOk = walked === null || walked.applied === walked.results.length + walked.skipped
    return new Reply(201, {
      ...record,
      ...(walked ? { lifecycle: walked } : {}),
      attempt: jobOk ? createFirstAttempt(record.job_id, first) : null
    })
  })
  const createFirstAttempt = (jobId: string, first: FirstAttempt): Record<string, unknown> => {
    const list = first.transitions
    const follow = list ? applyToCreated(lifecycle, 'attempt', list) : null
    try {
      const made = createAttempt(
        { job_id: jobId, attempt_number: first.attempt_number, metadata: first.metadata },
        follow,
        first.atomic
      )
      return 'refused' in made ? { error: made.refused } : made.record
    } catch (thrown) {
      const err = asHttpError(thrown)
      if (!err) throw thrown
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
  const createAttemptRoute = create('attempt', CreateAttemptRequestSchema, ({ body, ctx }) => {
    const follow = parseCreateTransitions(ctx.body, lifecycle, 'attempt')
    const made = createAttempt(body, follow, parseAtomic(ctx.body))
    if ('refused' in made)
      return new Reply(made.refused.status, made.refused.body, made.refused.headers)
    return new Reply(201, made.record)
  })
  const createResource = create(
    'resource',
    CreateResourceRequestSchema,
    ({ body }) => new Reply(201, identity.createResource(body))
  )

  const gets = (
    ['mission', 'plan', 'job', 'attempt', 'resource'] as const satisfies readonly EntityType[]
  ).map((type) =>
    route({
      method: 'GET',
      path: `/identity/${type}/:id`,
      permission: 'read:lifecycle',
      params: IdParams,
      handler: ({ params }) => identity.require(type, params.id)
    })
  )
  const lists = (['missions', 'jobs', 'attempts'] as const).map((what) =>
    route({
      method: 'GET',
      path: `/identity/${what}`,
      permission: 'read:lifecycle',
      query: ListQuerySchema,
      handler: ({ query }) =>
        what === 'missions'
          ? withRollups(s, 'mission', query.rollups, identity.listMissions(query))
          : what === 'jobs'
            ? withRollups(s, 'job', query.rollups, identity.listJobs(query))
            : withRollups(s, 'attempt', query.rollups, identity.listAttempts(query))
    })
  )

  return [
    createMission,
    createPlan,
    createJob,
    createAttemptRoute,
    createResource,
    ...gets,
    route({
      method: 'GET',
      path: '/identity/trace/:entity_type/:id',
      permission: 'read:lifecycle',
      params: TypedIdParams,
      handler: ({ params }) => identity.trace(entityType(params.entity_type), params.id)
    }),
    ...lists,
    route({
      method: 'GET',
      path: '/identity/children/:entity_type/:id',
      permission: 'read:lifecycle',
      params: TypedIdParams,
      query: PageQuerySchema,
      handler: ({ params, query }) =>
        identity.children(entityType(params.entity_type), params.id, query.cursor, query.limit)
    })
  ]
}

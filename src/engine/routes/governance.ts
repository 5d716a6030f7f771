import { z } from 'zod'
import { AuditSeveritySchema, PageQuerySchema } from '../../shared/neurorail'
import { notFound } from '../errors'
import {
  createGovernance,
  GOVERNANCE_FEATURES,
  GOVERNANCE_MIGRATIONS,
  type Governance,
  type GovernanceOptions
} from '../governance'
import { MANIFEST_SLOTS, type ManifestSlot } from '../governance/manifest/manifest-service'
import type { ReflexActionRecord, ReflexActionType } from '../governance/reflex/reflex-service'
import { route, type RouteDef, type RouteInput } from '../http/route'
import type { RequestContext } from '../http/router'
import type { EngineModule } from '../module'
import type { EngineServices } from '../services'
import { JobIdParams } from './params'

const ViolationQuerySchema = PageQuerySchema.extend({
  job_id: z.string().min(1).optional(),
  violation_type: z.enum(['timeout', 'retries', 'parallelism', 'cost', 'tokens']).optional()
})

const ReflexJobsQuerySchema = PageQuerySchema.extend({
  /** `1`/`true`: every recorded job, paged; otherwise only held (suspended/throttled) jobs. */
  all: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true')
})

const SignalQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) })

const ActionBodySchema = z
  .object({
    reason: z.string().min(1).max(500).optional(),
    /** Cooldown for suspend/throttle, overriding §8's 60 s / 30 s. */
    cooldown_seconds: z.number().positive().max(86_400).optional(),
    severity: AuditSeveritySchema.optional()
  })
  .nullish()
  .transform((v) => v ?? {})

const ResumeBodySchema = z
  .object({
    reason: z.string().min(1).max(500).optional(),
    /** End an active cooldown early (audited). Without it a job in cooldown answers NR-E006. */
    force: z.boolean().default(false)
  })
  .nullish()
  .transform((v) => v ?? { force: false })

const GiveUpBodySchema = z
  .object({
    /** The code that made the agent stop (NR-E101 retries used up, NR-E140, NR-E006, …). */
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_-]{0,39}$/, 'code must be an error code such as NR-E101')
      .default('NR-E101'),
    reason: z.string().min(1).max(500).default('the agent gave up')
  })
  .nullish()
  .transform((v) => v ?? { code: 'NR-E101', reason: 'the agent gave up' })

const SlotParams = z.object({
  slot: z.enum(MANIFEST_SLOTS as [ManifestSlot, ...ManifestSlot[]], {
    error: 'slot must be active or shadow'
  })
})
const CircuitParams = z.object({ circuit_id: z.string() })

function actor(c: RequestContext): string {
  return c.principal.name
}

/**
 * The governance module: budgets, reflexes, manifests and signals (core in `src/engine/governance`,
 * its routes here). `startEngine` attaches it unless told `governance: false`.
 */
export function governanceModule(
  options: Partial<GovernanceOptions> = {}
): EngineModule<Governance> {
  return {
    name: 'governance',
    features: GOVERNANCE_FEATURES,
    migrations: GOVERNANCE_MIGRATIONS,
    attach(ctx) {
      const gov = createGovernance(ctx, options)
      return {
        handle: gov,
        routes: governanceRoutes(ctx.services, gov),
        metrics: gov.metrics,
        dispose: () => gov.close()
      }
    }
  }
}

/**
 * Governance extension routes (budgets, reflexes, manifests, signals) under /api/neurorail/v1.
 *
 * Refusal statuses (mapped from the NR code by the edge, `http/errors.ts`): NR-E006 cooldown 409
 * (the job's state conflicts with the request; Retry-After set), NR-E102 parallelism 429 (too
 * many at once, retriable), NR-E140 open circuit 503 (the upstream is considered unavailable;
 * Retry-After set), NR-E101/E103/E104 409, NR-E143 409.
 */
export function governanceRoutes(s: EngineServices, gov: Governance): RouteDef[] {
  const { reflex, budgets, giveUps, manifests, signals } = gov
  const jobView = (jobId: string) => reflex.jobView(jobId)
  const requireJob = (jobId: string): void => {
    if (!s.identity.exists('job', jobId)) throw notFound(`Job ${jobId} not found`)
  }
  /**
   * An operator action on a reflex job (`POST /reflex/jobs/:job_id/<name>`): the job must exist,
   * and the answer is the job as the action left it, with the action's record.
   */
  const jobAction = <B extends z.ZodType>(
    name: string,
    body: B,
    act: (
      jobId: string,
      body: RouteInput<undefined, undefined, B>['body'],
      by: string
    ) => ReflexActionRecord
  ): RouteDef =>
    route({
      method: 'POST',
      path: `/reflex/jobs/:job_id/${name}`,
      permission: 'execute:reflex',
      params: JobIdParams,
      body,
      handler: ({ params, body, ctx }) => {
        requireJob(params.job_id)
        const action = act(params.job_id, body, actor(ctx))
        return { job: jobView(params.job_id), action }
      }
    })
  const actions = (
    ['suspend', 'throttle', 'alert', 'cancel'] as const satisfies readonly ReflexActionType[]
  ).map((type) =>
    jobAction(type, ActionBodySchema, (jobId, body, by) =>
      reflex.executeOrThrow({
        jobId,
        type,
        reason: body.reason ?? `Operator ${type}`,
        actor: by,
        ...(body.cooldown_seconds !== undefined
          ? { cooldownMs: body.cooldown_seconds * 1000 }
          : {}),
        ...(body.severity ? { severity: body.severity } : {})
      })
    )
  )

  return [
    // ---- reflex
    route({
      method: 'GET',
      path: '/reflex/circuits',
      permission: 'read:reflex',
      handler: () => ({ circuits: reflex.listCircuits() })
    }),
    route({
      method: 'POST',
      path: '/reflex/circuits/:circuit_id/reset',
      permission: 'write:reflex',
      params: CircuitParams,
      handler: ({ params, ctx }) => ({
        circuit: reflex.resetCircuit(params.circuit_id, actor(ctx))
      })
    }),
    route({
      method: 'GET',
      path: '/reflex/triggers',
      permission: 'read:reflex',
      handler: () => reflex.listTriggers()
    }),
    route({
      method: 'GET',
      path: '/reflex/actions',
      permission: 'read:reflex',
      query: PageQuerySchema,
      handler: ({ query }) => reflex.listActions(query.cursor, query.limit)
    }),
    // Held jobs by default (what an operator acts on); ?all=1 pages every recorded job from the store.
    route({
      method: 'GET',
      path: '/reflex/jobs',
      permission: 'read:reflex',
      query: ReflexJobsQuerySchema,
      handler: ({ query }) =>
        query.all ? reflex.listAllJobs(query.cursor, query.limit) : { jobs: reflex.listJobs() }
    }),
    route({
      method: 'GET',
      path: '/reflex/jobs/:job_id',
      permission: 'read:reflex',
      params: JobIdParams,
      handler: ({ params }) => {
        const job = reflex.jobView(params.job_id)
        if (!job) throw notFound(`Reflex job ${params.job_id} not found`)
        return job
      }
    }),
    ...actions,
    jobAction('resume', ResumeBodySchema, (jobId, body, by) =>
      reflex.resume(jobId, body.force, by, body.reason ?? 'Operator resume')
    ),

    // ---- budgets
    route({
      method: 'GET',
      path: '/budget/jobs/:job_id',
      permission: 'read:enforcement',
      params: JobIdParams,
      handler: ({ params }) => ({
        ...budgets.view(params.job_id),
        gave_up: giveUps.read(params.job_id)
      })
    }),
    // An agent stops trying (feature `job_give_up`): the job no longer counts as awaiting retry.
    route({
      method: 'POST',
      path: '/budget/jobs/:job_id/give-up',
      permission: 'execute:job',
      params: JobIdParams,
      body: GiveUpBodySchema,
      handler: ({ params, body, ctx }) => ({
        gave_up: giveUps.giveUp(params.job_id, body.code, body.reason, actor(ctx))
      })
    }),
    route({
      method: 'GET',
      path: '/budget/violations',
      permission: 'read:enforcement',
      query: ViolationQuerySchema,
      handler: ({ query: q }) =>
        budgets.list(
          {
            ...(q.job_id ? { job_id: q.job_id } : {}),
            ...(q.violation_type ? { violation_type: q.violation_type } : {})
          },
          q.cursor,
          q.limit
        )
    }),

    // ---- manifests
    route({
      method: 'GET',
      path: '/governor/manifests',
      permission: 'read:governor',
      handler: () => manifests.view()
    }),
    route({
      method: 'PUT',
      path: '/governor/manifests/:slot',
      permission: 'write:governor',
      params: SlotParams,
      // The manifest body is validated by the service (NR-E111 with the issues), not here.
      handler: ({ params, ctx }) => manifests.install(params.slot, ctx.body, actor(ctx))
    }),
    route({
      method: 'DELETE',
      path: '/governor/manifests/:slot',
      permission: 'write:governor',
      params: SlotParams,
      handler: ({ params, ctx }) => {
        manifests.clear(params.slot, actor(ctx))
        return manifests.view()
      }
    }),
    route({
      method: 'POST',
      path: '/governor/shadow/promote',
      permission: 'write:governor',
      handler: ({ ctx }) => manifests.promote(actor(ctx))
    }),
    route({
      method: 'GET',
      path: '/governor/shadow/disagreements',
      permission: 'read:governor',
      query: PageQuerySchema,
      handler: ({ query }) => manifests.disagreements(query.cursor, query.limit)
    }),

    // ---- signals
    route({
      method: 'GET',
      path: '/signals',
      permission: 'read:metrics',
      query: SignalQuerySchema,
      handler: ({ query }) => ({ signals: signals.list(query.limit) })
    })
  ]
}

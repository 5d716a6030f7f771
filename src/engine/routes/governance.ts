import { z } from 'zod'
import { AuditSeveritySchema, PageQuerySchema } from '../../shared/neurorail'
import { isGovernanceError } from '../governance/errors'
import { createGovernance, type Governance } from '../governance'
import { MANIFEST_SLOTS, type ManifestSlot } from '../governance/manifest/manifest-service'
import { toHttpError, type ReflexActionType } from '../governance/reflex/reflex-service'
import { notFound } from '../http/errors'
import { queryObject } from '../http/query'
import type { RequestContext, Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

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
    code: z.string().regex(/^[A-Z][A-Z0-9_-]{0,39}$/, 'code must be an error code such as NR-E101').default('NR-E101'),
    reason: z.string().min(1).max(500).default('the agent gave up')
  })
  .nullish()
  .transform((v) => v ?? { code: 'NR-E101', reason: 'the agent gave up' })

const SlotSchema = z.enum(MANIFEST_SLOTS as [ManifestSlot, ...ManifestSlot[]], { error: 'slot must be active or shadow' })

/** Runs `fn`, turning a governance refusal into its HTTP answer (NR error in `detail`). */
function answer<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (isGovernanceError(err)) throw toHttpError(err)
    throw err
  }
}

function actor(c: RequestContext): string {
  return c.principal.name
}

/**
 * Governance extension routes (budgets, reflexes, manifests, signals) under /api/neurorail/v1.
 * Registering them also attaches governance to the engine (hooks, guards, timers).
 *
 * Refusal statuses: NR-E006 cooldown 409 (the job's state conflicts with the request; Retry-After
 * set), NR-E102 parallelism 429 (too many at once, retriable), NR-E140 open circuit 503 (the
 * upstream is considered unavailable; Retry-After set), NR-E101/E103/E104 409, NR-E143 409.
 */
export function registerGovernanceRoutes(router: Router, s: EngineServices): void {
  const gov: Governance = createGovernance(s)
  const { reflex, budgets, giveUps, manifests, signals } = gov

  // ---- reflex
  router.get('/reflex/circuits', { permission: 'read:reflex' }, () => ({ circuits: reflex.listCircuits() }))
  router.post('/reflex/circuits/:circuit_id/reset', { permission: 'write:reflex' }, (c) => ({
    circuit: reflex.resetCircuit(c.params.circuit_id as string, actor(c))
  }))
  router.get('/reflex/triggers', { permission: 'read:reflex' }, () => reflex.listTriggers())
  router.get('/reflex/actions', { permission: 'read:reflex' }, (c) => {
    const q = parseOr422(PageQuerySchema, queryObject(c.query), 'query')
    return reflex.listActions(q.cursor, q.limit)
  })
  // Held jobs by default (what an operator acts on); ?all=1 pages every recorded job from the store.
  router.get('/reflex/jobs', { permission: 'read:reflex' }, (c) => {
    const q = parseOr422(ReflexJobsQuerySchema, queryObject(c.query), 'query')
    return q.all ? reflex.listAllJobs(q.cursor, q.limit) : { jobs: reflex.listJobs() }
  })
  router.get('/reflex/jobs/:job_id', { permission: 'read:reflex' }, (c) => {
    const job = reflex.jobView(c.params.job_id as string)
    if (!job) throw notFound(`Reflex job ${c.params.job_id as string} not found`)
    return job
  })

  const jobView = (jobId: string) => reflex.jobView(jobId)
  const requireJob = (jobId: string): void => {
    if (!s.identity.exists('job', jobId)) throw notFound(`Job ${jobId} not found`)
  }
  for (const type of ['suspend', 'throttle', 'alert', 'cancel'] as const satisfies readonly ReflexActionType[]) {
    router.post(`/reflex/jobs/:job_id/${type}`, { permission: 'execute:reflex' }, (c) => {
      const jobId = c.params.job_id as string
      requireJob(jobId)
      const body = parseOr422(ActionBodySchema, c.body)
      const action = answer(() =>
        reflex.executeOrThrow({
          jobId,
          type,
          reason: body.reason ?? `Operator ${type}`,
          actor: actor(c),
          ...(body.cooldown_seconds !== undefined ? { cooldownMs: body.cooldown_seconds * 1000 } : {}),
          ...(body.severity ? { severity: body.severity } : {})
        })
      )
      return { job: jobView(jobId), action }
    })
  }
  router.post('/reflex/jobs/:job_id/resume', { permission: 'execute:reflex' }, (c) => {
    const jobId = c.params.job_id as string
    requireJob(jobId)
    const body = parseOr422(ResumeBodySchema, c.body)
    const action = answer(() => reflex.resume(jobId, body.force, actor(c), body.reason ?? 'Operator resume'))
    return { job: jobView(jobId), action }
  })

  // ---- budgets
  router.get('/budget/jobs/:job_id', { permission: 'read:enforcement' }, (c) => {
    const id = c.params.job_id as string
    return { ...budgets.view(id), gave_up: giveUps.read(id) }
  })
  // An agent stops trying (feature `job_give_up`): the job no longer counts as awaiting retry.
  router.post('/budget/jobs/:job_id/give-up', { permission: 'execute:job' }, (c) => {
    const body = parseOr422(GiveUpBodySchema, c.body)
    return { gave_up: giveUps.giveUp(c.params.job_id as string, body.code, body.reason, actor(c)) }
  })
  router.get('/budget/violations', { permission: 'read:enforcement' }, (c) => {
    const q = parseOr422(ViolationQuerySchema, queryObject(c.query), 'query')
    return budgets.list({ ...(q.job_id ? { job_id: q.job_id } : {}), ...(q.violation_type ? { violation_type: q.violation_type } : {}) }, q.cursor, q.limit)
  })

  // ---- manifests
  router.get('/governor/manifests', { permission: 'read:governor' }, () => manifests.view())
  router.add('PUT', '/governor/manifests/:slot', { permission: 'write:governor' }, (c) => {
    const slot = parseOr422(SlotSchema, c.params.slot, 'path')
    return manifests.install(slot, c.body, actor(c))
  })
  router.delete('/governor/manifests/:slot', { permission: 'write:governor' }, (c) => {
    const slot = parseOr422(SlotSchema, c.params.slot, 'path')
    manifests.clear(slot, actor(c))
    return manifests.view()
  })
  router.post('/governor/shadow/promote', { permission: 'write:governor' }, (c) => manifests.promote(actor(c)))
  router.get('/governor/shadow/disagreements', { permission: 'read:governor' }, (c) => {
    const q = parseOr422(PageQuerySchema, queryObject(c.query), 'query')
    return manifests.disagreements(q.cursor, q.limit)
  })

  // ---- signals
  router.get('/signals', { permission: 'read:metrics' }, (c) => {
    const q = parseOr422(SignalQuerySchema, queryObject(c.query), 'query')
    return { signals: signals.list(q.limit) }
  })
}

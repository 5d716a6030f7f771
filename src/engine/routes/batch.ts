import { z } from 'zod'
import {
  LifecycleEntityTypeSchema,
  TransitionRequestSchema,
  type LifecycleEntityType,
  type TransitionRequest
} from '../../shared/neurorail'
import { asHttpError } from '../http/errors'
import { parseOr422 } from '../http/validation'
import type { LifecycleService, TransitionItem, TransitionOutcome } from '../lifecycle/service'

/**
 * The answer of one batch item: exactly the response the single
 * `POST /lifecycle/{type}/{id}/transition` would have given (status, JSON body, extra headers
 * such as Retry-After), so a client maps it with the same code it uses for single calls.
 */
export interface TransitionResult {
  status: number
  body: unknown
  headers?: Record<string, string>
}

/** What a batch did, as answered: one result per attempted item; items after a failure are skipped. */
export interface TransitionBatchResult {
  results: TransitionResult[]
  applied: number
  skipped: number
}

/** The single call's answer for one outcome; errors that are no refusal (a broken store) are a 500. */
function transitionResult(outcome: TransitionOutcome): TransitionResult {
  if (outcome.ok) return { status: 200, body: outcome.event }
  const err = asHttpError(outcome.error)
  if (!err) {
    process.emitWarning(
      `batch transition failed: ${(outcome.error as Error).stack ?? String(outcome.error)}`
    )
    // The cause goes to the log above, not to the client: store errors name tables and paths.
    return { status: 500, body: { detail: 'Internal server error' } }
  }
  const headers = Object.keys(err.headers).length > 0 ? err.headers : undefined
  return { status: err.status, body: { detail: err.detail }, ...(headers ? { headers } : {}) }
}

/** Applies `items` (see LifecycleService.transitionAll) and answers them. */
export function runBatch(
  lifecycle: LifecycleService,
  items: readonly TransitionItem[]
): TransitionBatchResult {
  const run = lifecycle.transitionAll(items)
  return { results: run.outcomes.map(transitionResult), applied: run.applied, skipped: run.skipped }
}

/** Most transitions one batch (or one create) may carry: a bound on the time one request holds the loop. */
export const MAX_BATCH_TRANSITIONS = 100

/** One item of `POST /lifecycle/batch`: a transition request plus the entity it applies to. */
const BatchItemSchema = TransitionRequestSchema.omit({ entity_id: true }).extend({
  entity_type: LifecycleEntityTypeSchema,
  entity_id: z.string().min(1, 'entity_id must not be empty')
})

/** `POST /lifecycle/batch` body (engine extension). */
export const TransitionBatchRequestSchema = z.object({
  transitions: z.array(BatchItemSchema).min(1).max(MAX_BATCH_TRANSITIONS)
})

/**
 * The `transitions` extension field of `POST /identity/{mission,job,attempt}`: transitions to
 * apply to the new entity right after it is created, in the same request.
 */
const CreateTransitionsSchema = z.object({
  transitions: z
    .array(TransitionRequestSchema.omit({ entity_id: true }))
    .max(MAX_BATCH_TRANSITIONS)
    .optional()
})

/** The items of a validated batch body (an invalid one is a 422 before anything is applied). */
export function batchItems(body: z.output<typeof TransitionBatchRequestSchema>): TransitionItem[] {
  return body.transitions.map((t) => itemOf(t.entity_type, t.entity_id, t))
}

/** The transition request `t` applied to one entity, as a lifecycle item. */
function itemOf(
  entityType: LifecycleEntityType,
  entityId: string,
  t: Omit<TransitionRequest, 'entity_id'>
): TransitionItem {
  return { entityType, entityId, action: t.transition, metadata: t.metadata, causedBy: t.caused_by }
}

/** A function that applies `list`, in order, to the entity a create request made (see runBatch). */
export function applyToCreated(
  lifecycle: LifecycleService,
  type: LifecycleEntityType,
  list: readonly Omit<TransitionRequest, 'entity_id'>[]
): (id: string) => TransitionBatchResult {
  return (id) =>
    runBatch(
      lifecycle,
      list.map((t) => itemOf(type, id, t))
    )
}

/**
 * Reads the optional `transitions` of a create request, validating it before anything is written.
 * Returns a function that applies them to the created entity, or null when there are none.
 */
export function parseCreateTransitions(
  body: unknown,
  lifecycle: LifecycleService,
  type: LifecycleEntityType
): ((id: string) => TransitionBatchResult) | null {
  if (body === null || typeof body !== 'object' || !('transitions' in body)) return null
  const list = parseOr422(CreateTransitionsSchema, body).transitions
  if (!list) return null
  return applyToCreated(lifecycle, type, list)
}

/**
 * The `attempt` extension field of `POST /identity/job` (feature `create_job_attempt`): the job's
 * first attempt, created in the same request once the job's own `transitions` all applied.
 */
const FirstAttemptSchema = z.object({
  attempt: z
    .object({
      attempt_number: z
        .number()
        .int('attempt_number must be an integer')
        .min(1, 'attempt_number starts at 1')
        .default(1),
      metadata: TransitionRequestSchema.shape.metadata,
      transitions: z
        .array(TransitionRequestSchema.omit({ entity_id: true }))
        .max(MAX_BATCH_TRANSITIONS)
        .optional(),
      /** See {@link parseAtomic}. */
      atomic: z.boolean().default(false)
    })
    .optional()
})

/** The first attempt a job create asked for (validated before anything is written), or null. */
export type FirstAttempt = NonNullable<z.output<typeof FirstAttemptSchema>['attempt']>

/** Reads the optional `attempt` of a job create (422 when invalid). */
export function parseFirstAttempt(body: unknown): FirstAttempt | null {
  if (body === null || typeof body !== 'object' || !('attempt' in body)) return null
  return parseOr422(FirstAttemptSchema, body).attempt ?? null
}

const AtomicSchema = z.object({ atomic: z.boolean().default(false) })

/**
 * The `atomic` extension field of an attempt create (feature `atomic_create`): with `true`, the
 * attempt exists only if every one of its `transitions` applied. A refused start (open circuit,
 * cooldown, parallelism) then leaves nothing behind: no attempt stuck in `created`, which the
 * attempt machine (created → running only) could never end.
 */
export function parseAtomic(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || !('atomic' in body)) return false
  return parseOr422(AtomicSchema, body).atomic
}

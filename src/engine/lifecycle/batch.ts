import { z } from 'zod'
import { LifecycleEntityTypeSchema, TransitionRequestSchema, type LifecycleEntityType } from '../../shared/neurorail'
import { parseOr422 } from '../http/validation'
import type { LifecycleService, TransitionBatchResult, TransitionItem } from './service'

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
  transitions: z.array(TransitionRequestSchema.omit({ entity_id: true })).max(MAX_BATCH_TRANSITIONS).optional()
})

/** Parses a batch body (422 in FastAPI's shape when invalid; nothing is applied then). */
export function parseBatch(body: unknown): TransitionItem[] {
  return parseOr422(TransitionBatchRequestSchema, body).transitions.map((t) => ({
    entityType: t.entity_type,
    entityId: t.entity_id,
    action: t.transition,
    metadata: t.metadata,
    causedBy: t.caused_by
  }))
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
  return (id) =>
    lifecycle.transitionAll(
      list.map((t) => ({ entityType: type, entityId: id, action: t.transition, metadata: t.metadata, causedBy: t.caused_by }))
    )
}

/**
 * The `attempt` extension field of `POST /identity/job` (feature `create_job_attempt`): the job's
 * first attempt, created in the same request once the job's own `transitions` all applied.
 */
const FirstAttemptSchema = z.object({
  attempt: z
    .object({
      attempt_number: z.number().int('attempt_number must be an integer').min(1, 'attempt_number starts at 1').default(1),
      metadata: TransitionRequestSchema.shape.metadata,
      transitions: z.array(TransitionRequestSchema.omit({ entity_id: true })).max(MAX_BATCH_TRANSITIONS).optional(),
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

import { z } from 'zod'

/** The five identity levels of a NeuroRail trace chain (API §2). */
export const ENTITY_TYPES = ['mission', 'plan', 'job', 'attempt', 'resource'] as const
export const EntityTypeSchema = z.enum(ENTITY_TYPES)
export type EntityType = z.infer<typeof EntityTypeSchema>

/** ID prefix per entity type; the rest of the ID is the first 12 lowercase hex chars of a uuid4. */
export const ENTITY_ID_PREFIX = {
  mission: 'm_',
  plan: 'p_',
  job: 'j_',
  attempt: 'a_',
  resource: 'r_'
} as const satisfies Record<EntityType, string>

/**
 * Name of the ID field in each identity record. Resources are the odd one out
 * (`resource_uuid`), which the real backend chose and clients must follow.
 */
export const ENTITY_ID_FIELD = {
  mission: 'mission_id',
  plan: 'plan_id',
  job: 'job_id',
  attempt: 'attempt_id',
  resource: 'resource_uuid'
} as const satisfies Record<EntityType, string>

/** Full pattern of any identity ID: one-letter prefix, underscore, 12 lowercase hex (14 chars). */
export const ENTITY_ID_PATTERN = /^[mpjar]_[0-9a-f]{12}$/

const TYPE_BY_PREFIX: Record<string, EntityType> = {
  m: 'mission',
  p: 'plan',
  j: 'job',
  a: 'attempt',
  r: 'resource'
}

/** The entity type an ID belongs to, or null when the ID is not a well-formed identity ID. */
export function entityTypeOfId(id: string): EntityType | null {
  if (!ENTITY_ID_PATTERN.test(id)) return null
  return TYPE_BY_PREFIX[id[0] as string] ?? null
}

/** True when `id` is a well-formed identity ID (of `type`, when given). */
export function isEntityId(id: unknown, type?: EntityType): id is string {
  if (typeof id !== 'string') return false
  const actual = entityTypeOfId(id)
  return actual !== null && (type === undefined || actual === type)
}

/** Any identity ID (m_/p_/j_/a_/r_ + 12 lowercase hex). Used for request validation. */
export const EntityIdSchema = z
  .string()
  .regex(
    ENTITY_ID_PATTERN,
    'must be an entity ID: m_/p_/j_/a_/r_ followed by 12 lowercase hex characters'
  )

/** Schema for the ID of one entity type, with a message that names the expected format. */
export function entityIdSchema(type: EntityType) {
  const prefix = ENTITY_ID_PREFIX[type]
  const article = type === 'attempt' ? 'an' : 'a'
  return z
    .string()
    .regex(
      new RegExp(`^${prefix}[0-9a-f]{12}$`),
      `must be ${article} ${type} ID: ${prefix} followed by 12 lowercase hex characters`
    )
}

/** Per-type ID schemas for request validation. */
export const MissionIdSchema = entityIdSchema('mission')
export const PlanIdSchema = entityIdSchema('plan')
export const JobIdSchema = entityIdSchema('job')
export const AttemptIdSchema = entityIdSchema('attempt')
export const ResourceIdSchema = entityIdSchema('resource')

/** Audit event IDs: `aud_` + 12 hex (16 chars). */
export const AUDIT_ID_PATTERN = /^aud_[0-9a-f]{12}$/
/**
 * Real-backend transition/decision/snapshot IDs: prefix + `YYYYMMDDHHMMSS`. They collide within a
 * second on BRAiN; our engine appends a suffix, so response schemas accept any string and this
 * pattern only documents the real format.
 */
export const TIMESTAMP_ID_PATTERN = /^(evt|dec|shad|snap)_\d{14}/

/** Makes an identity ID from 12 hex chars of randomness (caller supplies it: shared has no crypto). */
export function makeEntityId(type: EntityType, hex12: string): string {
  const hex = hex12
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .slice(0, 12)
  if (hex.length !== 12) throw new Error('makeEntityId needs 12 hex characters')
  return `${ENTITY_ID_PREFIX[type]}${hex}`
}

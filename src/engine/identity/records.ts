import {
  AttemptRecordSchema,
  ENTITY_TYPES,
  JobRecordSchema,
  MissionRecordSchema,
  PlanRecordSchema,
  ResourceRecordSchema,
  type AttemptRecord,
  type EntityType,
  type JobRecord,
  type MissionRecord,
  type PlanRecord,
  type ResourceRecord
} from '../../shared/neurorail'
import { parseJsonColumn } from '../store/json'

/**
 * A table row: the §3 record with its JSON columns still as text, the ancestor ids denormalised
 * onto it (so list filters and the children route need no joins up the chain), and `created_ms`.
 */
type RowOf<R, Json extends keyof R, Ancestors extends string = never> = Omit<R, Json> &
  Record<Json, string> &
  Record<Ancestors, string> & { created_ms: number }

export type MissionRow = RowOf<MissionRecord, 'tags'>
export type PlanRow = RowOf<PlanRecord, 'metadata'>
export type JobRow = RowOf<JobRecord, 'dependencies' | 'metadata', 'mission_id'>
export type AttemptRow = RowOf<AttemptRecord, 'metadata', 'mission_id'>
export type ResourceRow = RowOf<ResourceRecord, 'metadata', 'job_id' | 'mission_id'>

/** Each identity type's row and §3 record. */
interface IdentityTypes {
  mission: { row: MissionRow; record: MissionRecord }
  plan: { row: PlanRow; record: PlanRecord }
  job: { row: JobRow; record: JobRecord }
  attempt: { row: AttemptRow; record: AttemptRecord }
  resource: { row: ResourceRow; record: ResourceRecord }
}
/** The table row of an identity type. */
export type IdentityRow<T extends EntityType> = IdentityTypes[T]['row']
/** The §3 record of an identity type. */
export type RecordOf<T extends EntityType> = IdentityTypes[T]['record']

const emptyObject = (): Record<string, unknown> => ({})

/**
 * Each identity table: its name, its key column (the id), the record schema whose field order is
 * §3's, and its JSON columns with what a missing or corrupt one reads as (never a 500).
 */
export const IDENTITY_TABLES = {
  mission: {
    table: 'missions',
    key: 'mission_id',
    schema: MissionRecordSchema,
    json: { tags: emptyObject }
  },
  plan: {
    table: 'plans',
    key: 'plan_id',
    schema: PlanRecordSchema,
    json: { metadata: emptyObject }
  },
  job: {
    table: 'jobs',
    key: 'job_id',
    schema: JobRecordSchema,
    json: { dependencies: (): string[] => [], metadata: emptyObject }
  },
  attempt: {
    table: 'attempts',
    key: 'attempt_id',
    schema: AttemptRecordSchema,
    json: { metadata: emptyObject }
  },
  resource: {
    table: 'resources',
    key: 'resource_uuid',
    schema: ResourceRecordSchema,
    json: { metadata: emptyObject }
  }
} as const

/** The record fields of each type, in §3 order, read once from the schemas. */
const FIELDS = Object.fromEntries(
  ENTITY_TYPES.map((type) => [type, Object.keys(IDENTITY_TABLES[type].schema.shape)])
) as unknown as Record<EntityType, readonly string[]>

/**
 * A row as its §3 record: exactly the record's fields in §3 order, JSON columns parsed; the
 * denormalised columns and `created_ms` stay inside.
 */
export function toRecord<T extends EntityType>(type: T, row: IdentityRow<T>): RecordOf<T> {
  const json: Partial<Record<string, () => unknown>> = IDENTITY_TABLES[type].json
  const cells = row as unknown as Record<string, unknown>
  const record: Record<string, unknown> = {}
  for (const field of FIELDS[type]) {
    const fallback = json[field]
    record[field] = fallback ? parseJsonColumn(cells[field] as string, fallback()) : cells[field]
  }
  return record as RecordOf<T>
}

/** The §3 record of a just-created entity from `values` (its request, id and `created_at`). */
export function newRecord<T extends EntityType>(
  type: T,
  values: Record<string, unknown>
): RecordOf<T> {
  const record: Record<string, unknown> = {}
  for (const field of FIELDS[type]) record[field] = values[field]
  return record as RecordOf<T>
}

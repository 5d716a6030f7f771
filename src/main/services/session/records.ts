import {
  AnyRecordSchema,
  type AnyRecord,
  type EntitySummary,
  type TraceNode
} from '../../../shared/console/domains/data'
import {
  ENTITY_ID_FIELD,
  LIFECYCLE_ENTITY_TYPES,
  LifecycleStateSchema,
  type EntityType,
  type LifecycleEntityType,
  type LifecycleState
} from '../../../shared/neurorail'
import type { CacheRecordRow } from '../cache/cache-store'
import type { EnvironmentSession } from './environment-session'

/** Field of each record that names its parent in the trace chain (missions are roots). */
const PARENT_FIELD: Record<EntityType, string | null> = {
  mission: null,
  plan: 'mission_id',
  job: 'plan_id',
  attempt: 'job_id',
  resource: 'attempt_id'
}

/** The type one level below (what a node's direct children are). */
export const CHILD_TYPE: Record<EntityType, EntityType | null> = {
  mission: 'plan',
  plan: 'job',
  job: 'attempt',
  attempt: 'resource',
  resource: null
}

export function isLifecycleType(type: EntityType): type is LifecycleEntityType {
  return (LIFECYCLE_ENTITY_TYPES as readonly string[]).includes(type)
}

export function recordId(type: EntityType, record: Record<string, unknown>): string {
  return String(record[ENTITY_ID_FIELD[type]])
}

export function parentId(type: EntityType, record: Record<string, unknown>): string | null {
  const field = PARENT_FIELD[type]
  const value = field ? record[field] : null
  return typeof value === 'string' ? value : null
}

/** Cache rows for records just read from the backend. */
export function cacheRows(
  type: EntityType,
  records: readonly Record<string, unknown>[]
): CacheRecordRow[] {
  return records.map((record) => ({
    entityType: type,
    entityId: recordId(type, record),
    record,
    parentId: parentId(type, record)
  }))
}

/** A state string from a backend or the cache, or null when it is not a known lifecycle state. */
export function asState(value: unknown): LifecycleState | null {
  const parsed = LifecycleStateSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/** A cached record re-validated (the cache file is outside input too); null when it no longer parses. */
export function asRecord(value: unknown): AnyRecord | null {
  const parsed = AnyRecordSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

export function summary(
  type: EntityType,
  record: AnyRecord,
  state: LifecycleState | null
): EntitySummary {
  return {
    entityType: type,
    entityId: recordId(type, record as Record<string, unknown>),
    record,
    state
  }
}

export function leaf(type: EntityType, record: AnyRecord, state: LifecycleState | null): TraceNode {
  return { ...summary(type, record, state), children: [], childCount: null, nextCursor: null }
}

/**
 * Current state of one entity: the backend's when it answers (stored in the cache), else the
 * cache's. Plans and resources have none. A never-transitioned entity has none.
 */
export async function currentState(
  session: EnvironmentSession,
  type: EntityType,
  id: string,
  useBackend: boolean
): Promise<LifecycleState | null> {
  if (!isLifecycleType(type)) return null
  if (useBackend && session.client) {
    try {
      const state = await session.client.getState(type, id)
      if (state) {
        session.cache.putStates([
          {
            entityType: type,
            entityId: id,
            state: state.current_state,
            updatedAt: state.updated_at
          }
        ])
      }
      return state?.current_state ?? null
    } catch {
      // Fall through to the cached state: one missing state must not fail a whole trace.
    }
  }
  return asState(session.cache.getRecord(id)?.state)
}

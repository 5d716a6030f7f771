import type {
  AttemptRecord,
  JobRecord,
  MissionRecord,
  PlanRecord,
  ResourceRecord
} from '../../shared/neurorail'
import { parseJsonColumn } from '../store/json'

/** A `missions` row (JSON columns still as text). */
export interface MissionRow {
  mission_id: string
  parent_mission_id: string | null
  tags: string
  created_at: string
  created_ms: number
}
/** A `plans` row (JSON columns still as text; mission_id denormalised). */
export interface PlanRow {
  plan_id: string
  mission_id: string
  plan_type: string
  metadata: string
  created_at: string
  created_ms: number
}
/** A `jobs` row (JSON columns still as text; mission_id denormalised). */
export interface JobRow {
  job_id: string
  plan_id: string
  mission_id: string
  job_type: string
  dependencies: string
  metadata: string
  created_at: string
  created_ms: number
}
/** A `attempts` row (JSON columns still as text; mission_id denormalised). */
export interface AttemptRow {
  attempt_id: string
  job_id: string
  mission_id: string
  attempt_number: number
  metadata: string
  created_at: string
  created_ms: number
}
/** A `resources` row (JSON columns still as text; mission_id denormalised). */
export interface ResourceRow {
  resource_uuid: string
  attempt_id: string
  job_id: string
  mission_id: string
  resource_type: string
  metadata: string
  created_at: string
  created_ms: number
}

// Row → API record, with exactly the §3 fields in the §3 order (denormalised columns stay inside).

/** A mission row as the §3 record. */
export function missionRecord(r: MissionRow): MissionRecord {
  return {
    mission_id: r.mission_id,
    created_at: r.created_at,
    parent_mission_id: r.parent_mission_id,
    tags: parseJsonColumn<Record<string, string>>(r.tags, {})
  }
}

/** A plan row as the §3 record. */
export function planRecord(r: PlanRow): PlanRecord {
  return {
    plan_id: r.plan_id,
    mission_id: r.mission_id,
    created_at: r.created_at,
    plan_type: r.plan_type,
    metadata: parseJsonColumn<Record<string, unknown>>(r.metadata, {})
  }
}

/** A job row as the §3 record. */
export function jobRecord(r: JobRow): JobRecord {
  return {
    job_id: r.job_id,
    plan_id: r.plan_id,
    created_at: r.created_at,
    job_type: r.job_type,
    dependencies: parseJsonColumn<string[]>(r.dependencies, []),
    metadata: parseJsonColumn<Record<string, unknown>>(r.metadata, {})
  }
}

/** A attempt row as the §3 record. */
export function attemptRecord(r: AttemptRow): AttemptRecord {
  return {
    attempt_id: r.attempt_id,
    job_id: r.job_id,
    attempt_number: r.attempt_number,
    created_at: r.created_at,
    metadata: parseJsonColumn<Record<string, unknown>>(r.metadata, {})
  }
}

/** A resource row as the §3 record. */
export function resourceRecord(r: ResourceRow): ResourceRecord {
  return {
    resource_uuid: r.resource_uuid,
    attempt_id: r.attempt_id,
    resource_type: r.resource_type,
    created_at: r.created_at,
    metadata: parseJsonColumn<Record<string, unknown>>(r.metadata, {})
  }
}

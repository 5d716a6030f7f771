import type { Statement } from 'better-sqlite3'
import type {
  AttemptListItem,
  AttemptRecord,
  ChildrenResponse,
  CreateAttemptRequest,
  CreateJobRequest,
  CreateMissionRequest,
  CreatePlanRequest,
  CreateResourceRequest,
  EntityType,
  IdentityRecord,
  JobListItem,
  JobRecord,
  ListQuery,
  MissionListItem,
  MissionRecord,
  Page,
  PlanRecord,
  ResourceRecord,
  TraceResponse
} from '../../shared/neurorail'
import { badRequest, notFound, unknownReference } from '../errors'
import { decodeCursor, encodeCursor } from '../store/cursor'
import type { Store } from '../store/store'
import { Where } from '../store/where'
import { isUniqueViolation, newEntityId } from './ids'
import {
  IDENTITY_TABLES,
  newRecord,
  toRecord,
  type AttemptRow,
  type IdentityRow,
  type JobRow,
  type PlanRow,
  type RecordOf
} from './records'

/** Display name per entity type, as the real backend words its 404s ("Job j_… not found"). */
export const ENTITY_LABEL: Record<EntityType, string> = {
  mission: 'Mission',
  plan: 'Plan',
  job: 'Job',
  attempt: 'Attempt',
  resource: 'Resource'
}

/** The ancestors of an entity (its own id included), as denormalised in the tables. */
export interface EntityChain {
  mission_id: string | null
  plan_id: string | null
  job_id: string | null
  attempt_id: string | null
  resource_uuid: string | null
}

/** Called when an attempt is created, so telemetry can count attempts per job. */
export type AttemptCreatedHook = (jobId: string, attemptId: string, createdMs: number) => void

/**
 * Called inside the job-creating transaction after the insert (governance validates and stores
 * the job's budget); throwing a DomainError refuses the creation.
 */
export type JobCreatedHook = (job: JobRecord, missionId: string) => void

/**
 * Identity records (API §2–§3): create with parent checks, get, the upward trace chain, and the
 * engine's list and children extensions. Parents must exist, so every stored chain is complete.
 */
/** The ancestor ids one `chainOf` statement reads (the columns its table has). */
interface ChainRow {
  mission_id: string
  plan_id?: string | null
  job_id?: string
  attempt_id?: string
}

export class IdentityService {
  private readonly byId: Record<EntityType, Statement>
  /** Just the ancestor ids (no JSON columns), one statement per type: `chain` is on every transition. */
  private readonly chainOf: Record<EntityType, Statement<[string], ChainRow>>
  private readonly onAttemptCreated: AttemptCreatedHook[] = []
  private readonly onJobCreated: JobCreatedHook[] = []

  constructor(private readonly store: Store) {
    const byId = (type: EntityType): Statement => {
      const { table, key } = IDENTITY_TABLES[type]
      return this.store.prepare(`SELECT * FROM ${table} WHERE ${key} = ?`)
    }
    this.byId = {
      mission: byId('mission'),
      plan: byId('plan'),
      job: byId('job'),
      attempt: byId('attempt'),
      resource: byId('resource')
    }
    // Own statements (store.db.prepare, not the shared cache), as they are only used here.
    this.chainOf = {
      mission: this.store.db.prepare<[string], ChainRow>(
        'SELECT mission_id FROM missions WHERE mission_id = ?'
      ),
      plan: this.store.db.prepare<[string], ChainRow>(
        'SELECT mission_id FROM plans WHERE plan_id = ?'
      ),
      job: this.store.db.prepare<[string], ChainRow>(
        'SELECT mission_id, plan_id FROM jobs WHERE job_id = ?'
      ),
      attempt: this.store.db.prepare<[string], ChainRow>(
        'SELECT a.mission_id, a.job_id, j.plan_id FROM attempts a LEFT JOIN jobs j ON j.job_id = a.job_id ' +
          'WHERE a.attempt_id = ?'
      ),
      resource: this.store.db.prepare<[string], ChainRow>(
        'SELECT r.mission_id, r.job_id, r.attempt_id, j.plan_id FROM resources r LEFT JOIN jobs j ON j.job_id = r.job_id ' +
          'WHERE r.resource_uuid = ?'
      )
    }
  }

  /** Registers a hook run inside the attempt-creating transaction. */
  addAttemptCreatedHook(hook: AttemptCreatedHook): void {
    this.onAttemptCreated.push(hook)
  }

  /** Registers a hook run inside the job-creating transaction (it may refuse by throwing). */
  addJobCreatedHook(hook: JobCreatedHook): void {
    this.onJobCreated.push(hook)
  }

  private row<T>(type: EntityType, id: string): T | undefined {
    return this.byId[type].get(id) as T | undefined
  }

  /**
   * Inserts one row of `type`: a fresh id (retrying on the astronomically rare 48-bit collision),
   * `columns` (the other columns, JSON ones as text) and the creation time.
   */
  private insert(
    type: EntityType,
    columns: Record<string, string | number | null>
  ): { id: string; createdAt: string; now: number } {
    const { table, key } = IDENTITY_TABLES[type]
    const names = Object.keys(columns)
    const stmt = this.store.prepare(
      `INSERT INTO ${table} (${key}, ${names.join(', ')}, created_at, created_ms) ` +
        `VALUES (?, ${names.map(() => '?, ').join('')}?, ?)`
    )
    const values = Object.values(columns)
    const now = Date.now()
    const createdAt = new Date(now).toISOString()
    for (let i = 0; ; i++) {
      const id = newEntityId(type)
      try {
        stmt.run(id, ...values, createdAt, now)
        return { id, createdAt, now }
      } catch (err) {
        if (!isUniqueViolation(err) || i >= 4) throw err
      }
    }
  }

  /** POST /identity/mission. A named parent mission must exist (400 otherwise). */
  createMission(req: CreateMissionRequest): MissionRecord {
    return this.store.transaction(() => {
      if (req.parent_mission_id && !this.row('mission', req.parent_mission_id)) {
        throw unknownReference(`Mission ${req.parent_mission_id} not found`)
      }
      const parent = req.parent_mission_id ?? null
      const { id, createdAt } = this.insert('mission', {
        parent_mission_id: parent,
        tags: JSON.stringify(req.tags)
      })
      return newRecord('mission', {
        ...req,
        parent_mission_id: parent,
        mission_id: id,
        created_at: createdAt
      })
    })
  }

  /** POST /identity/plan. 400 `"Mission X not found"` when the mission does not exist. */
  createPlan(req: CreatePlanRequest): PlanRecord {
    return this.store.transaction(() => {
      if (!this.row('mission', req.mission_id))
        throw unknownReference(`Mission ${req.mission_id} not found`)
      const { id, createdAt } = this.insert('plan', {
        mission_id: req.mission_id,
        plan_type: req.plan_type,
        metadata: JSON.stringify(req.metadata)
      })
      return newRecord('plan', { ...req, plan_id: id, created_at: createdAt })
    })
  }

  /** POST /identity/job. The plan and every dependency must exist (400 otherwise). */
  createJob(req: CreateJobRequest): JobRecord {
    return this.store.transaction(() => {
      const plan = this.row<PlanRow>('plan', req.plan_id)
      if (!plan) throw unknownReference(`Plan ${req.plan_id} not found`)
      for (const dep of req.dependencies) {
        if (!this.row('job', dep)) throw unknownReference(`Job ${dep} not found (dependency)`)
      }
      const { id, createdAt } = this.insert('job', {
        plan_id: req.plan_id,
        mission_id: plan.mission_id,
        job_type: req.job_type,
        dependencies: JSON.stringify(req.dependencies),
        metadata: JSON.stringify(req.metadata)
      })
      const record = newRecord('job', { ...req, job_id: id, created_at: createdAt })
      for (const hook of this.onJobCreated) hook(record, plan.mission_id)
      return record
    })
  }

  /** POST /identity/attempt. 400 when the job does not exist. */
  createAttempt(req: CreateAttemptRequest): AttemptRecord {
    return this.store.transaction(() => {
      const job = this.row<JobRow>('job', req.job_id)
      if (!job) throw unknownReference(`Job ${req.job_id} not found`)
      const { id, createdAt, now } = this.insert('attempt', {
        job_id: req.job_id,
        mission_id: job.mission_id,
        attempt_number: req.attempt_number,
        metadata: JSON.stringify(req.metadata)
      })
      for (const hook of this.onAttemptCreated) hook(req.job_id, id, now)
      return newRecord('attempt', { ...req, attempt_id: id, created_at: createdAt })
    })
  }

  /** POST /identity/resource. 400 when the attempt does not exist. */
  createResource(req: CreateResourceRequest): ResourceRecord {
    return this.store.transaction(() => {
      const attempt = this.row<AttemptRow>('attempt', req.attempt_id)
      if (!attempt) throw unknownReference(`Attempt ${req.attempt_id} not found`)
      const { id, createdAt } = this.insert('resource', {
        attempt_id: req.attempt_id,
        job_id: attempt.job_id,
        mission_id: attempt.mission_id,
        resource_type: req.resource_type,
        metadata: JSON.stringify(req.metadata)
      })
      return newRecord('resource', { ...req, resource_uuid: id, created_at: createdAt })
    })
  }

  /** The record of one entity, or null. */
  get(type: EntityType, id: string): IdentityRecord | null {
    const r = this.row<IdentityRow<typeof type>>(type, id)
    return r ? toRecord(type, r) : null
  }

  /** The record of one entity, or a 404 in the real backend's wording. */
  require(type: EntityType, id: string): IdentityRecord {
    const rec = this.get(type, id)
    if (!rec) throw notFound(`${ENTITY_LABEL[type]} ${id} not found`)
    return rec
  }

  /** True when the entity exists. */
  exists(type: EntityType, id: string): boolean {
    return this.byId[type].get(id) !== undefined
  }

  /**
   * The ids above (and including) an entity, or null when it does not exist. One indexed lookup
   * (joined to jobs for the plan of attempts and resources), since mission_id is denormalised onto
   * every lower table.
   */
  chain(type: EntityType, id: string): EntityChain | null {
    const r = this.chainOf[type].get(id)
    if (!r) return null
    // Levels below the entity are null; its own level is `id` (the mission's row reads it too).
    const chain: EntityChain = {
      mission_id: r.mission_id,
      plan_id: r.plan_id ?? null,
      job_id: r.job_id ?? null,
      attempt_id: r.attempt_id ?? null,
      resource_uuid: null
    }
    chain[IDENTITY_TABLES[type].key] = id
    return chain
  }

  /**
   * GET /identity/trace/{type}/{id}: the chain upward from the entity (levels below it null). An
   * unknown id is a real 404 (the real backend wraps it in a 500).
   */
  trace(type: EntityType, id: string): TraceResponse {
    const c = this.chain(type, id)
    if (!c) throw notFound(`${ENTITY_LABEL[type]} ${id} not found`)
    const pick = <T>(t: EntityType, v: string | null): T | null =>
      v ? (this.get(t, v) as T | null) : null
    const own = this.require(type, id)
    return {
      entity_type: type,
      entity_id: id,
      trace_chain: {
        mission: pick<MissionRecord>('mission', c.mission_id),
        plan: pick<PlanRecord>('plan', c.plan_id),
        job: pick<JobRecord>('job', c.job_id),
        attempt: pick<AttemptRecord>('attempt', c.attempt_id),
        resource: pick<ResourceRecord>('resource', c.resource_uuid)
      },
      created_at: own.created_at
    }
  }

  /** GET /identity/missions: newest first, filtered by state and creation time, cursor-paged. */
  listMissions(q: ListQuery): Page<MissionListItem> {
    return this.list(q, 'mission', {}) as Page<MissionListItem>
  }

  /** GET /identity/jobs: filters state, job_type, mission_id, time range. */
  listJobs(q: ListQuery): Page<JobListItem> {
    const filters = { 't.job_type': q.job_type, 't.mission_id': q.mission_id }
    return this.list(q, 'job', filters) as Page<JobListItem>
  }

  /** GET /identity/attempts: filters state, job_id, mission_id, time range. */
  listAttempts(q: ListQuery): Page<AttemptListItem> {
    const filters = { 't.job_id': q.job_id, 't.mission_id': q.mission_id }
    return this.list(q, 'attempt', filters) as Page<AttemptListItem>
  }

  /**
   * Keyset pagination over (created_ms, rowid) descending — rowid breaks ties in insertion order —
   * stable under concurrent inserts, and each page costs an index range scan however deep.
   * `equals` holds the table's own filters (column → value; unset values filter nothing).
   */
  private list<T extends EntityType>(
    q: ListQuery,
    type: T,
    equals: Record<string, string | null | undefined>
  ): Page<RecordOf<T> & { current_state: string | null }> {
    const { table, key } = IDENTITY_TABLES[type]
    const where = new Where()
      .equals('s.current_state', q.state)
      .between('t.created_ms', q.since, q.until)
    for (const [column, value] of Object.entries(equals)) where.equals(column, value)
    if (q.cursor) {
      const c = decodeCursor(q.cursor, { t: 'number', r: 'number' })
      where.add('(t.created_ms < ? OR (t.created_ms = ? AND t.rowid < ?))', c.t, c.t, c.r)
    }
    const sql =
      `SELECT t.*, t.rowid AS __rowid, s.current_state AS __state FROM ${table} t ` +
      `LEFT JOIN entity_state s ON s.entity_id = t.${key} ` +
      where.clause() +
      ' ORDER BY t.created_ms DESC, t.rowid DESC LIMIT ?'
    const rows = this.store
      .prepare<unknown[], IdentityRow<T> & { __state: string | null; __rowid: number }>(sql)
      .all(...where.params, q.limit + 1)
    const more = rows.length > q.limit
    const page = more ? rows.slice(0, q.limit) : rows
    const last = page[page.length - 1]
    return {
      items: page.map((r) => ({ ...toRecord(type, r), current_state: r.__state })),
      next_cursor: more && last ? encodeCursor({ t: last.created_ms, r: last.__rowid }) : null
    }
  }

  /**
   * GET /identity/children/{type}/{id}: every descendant by level, oldest first, so a whole tree
   * can be fetched downward. One offset cursor pages all levels together; `next_cursor` stays set
   * while any level (in practice the largest) has more.
   */
  children(
    type: EntityType,
    id: string,
    cursor: string | undefined,
    limit: number
  ): ChildrenResponse {
    if (!this.exists(type, id)) throw notFound(`${ENTITY_LABEL[type]} ${id} not found`)
    const offset = cursor ? decodeCursor(cursor, { o: 'number' }).o : 0
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid cursor')
    const scope: Record<
      EntityType,
      { plans?: string; jobs?: string; attempts?: string; resources?: string }
    > = {
      mission: {
        plans: 'mission_id = ?',
        jobs: 'mission_id = ?',
        attempts: 'mission_id = ?',
        resources: 'mission_id = ?'
      },
      plan: {
        jobs: 'plan_id = ?',
        attempts: 'job_id IN (SELECT job_id FROM jobs WHERE plan_id = ?)',
        resources: 'job_id IN (SELECT job_id FROM jobs WHERE plan_id = ?)'
      },
      job: { attempts: 'job_id = ?', resources: 'job_id = ?' },
      attempt: { resources: 'attempt_id = ?' },
      resource: {}
    }
    const s = scope[type]
    let more = false
    const fetch = <T extends EntityType>(
      level: T,
      where: string | undefined,
      withState: boolean
    ): Array<IdentityRow<T> & { __state?: string | null }> => {
      if (!where) return []
      const { table, key } = IDENTITY_TABLES[level]
      const sql = withState
        ? `SELECT t.*, s.current_state AS __state FROM ${table} t ` +
          `LEFT JOIN entity_state s ON s.entity_id = t.${key} ` +
          `WHERE t.${where} ORDER BY t.created_ms, t.rowid LIMIT ? OFFSET ?`
        : `SELECT t.* FROM ${table} t WHERE t.${where} ORDER BY t.created_ms, t.rowid LIMIT ? OFFSET ?`
      const rows = this.store
        .prepare<unknown[], IdentityRow<T> & { __state?: string | null }>(sql)
        .all(id, limit + 1, offset)
      if (rows.length > limit) {
        more = true
        rows.length = limit
      }
      return rows
    }
    const plans = fetch('plan', s.plans, false).map((r) => toRecord('plan', r))
    const jobs = fetch('job', s.jobs, true).map((r) => ({
      ...toRecord('job', r),
      current_state: r.__state as JobListItem['current_state']
    }))
    const attempts = fetch('attempt', s.attempts, true).map((r) => ({
      ...toRecord('attempt', r),
      current_state: r.__state as AttemptListItem['current_state']
    }))
    const resources = fetch('resource', s.resources, false).map((r) => toRecord('resource', r))
    return {
      entity_type: type,
      entity_id: id,
      plans,
      jobs,
      attempts,
      resources,
      next_cursor: more ? encodeCursor({ o: offset + limit }) : null
    }
  }
}

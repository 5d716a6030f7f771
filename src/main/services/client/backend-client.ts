import { z } from 'zod'
import {
  API_PREFIX,
  AuditEventSchema,
  AuditQueryResponseSchema,
  AuditStatsSchema,
  AttemptPageSchema,
  CapabilitiesSchema,
  ChildrenResponseSchema,
  ClearBuffersResponseSchema,
  DecisionListSchema,
  DecisionSchema,
  EntityMetricsSchema,
  EntityStateResponseSchema,
  GovernorInfoSchema,
  HistoryResponseSchema,
  IDENTITY_RECORD_SCHEMAS,
  JobPageSchema,
  LifecycleStatsSchema,
  MissionAuditResponseSchema,
  MissionPageSchema,
  PublishResponseSchema,
  RbacCheckResponseSchema,
  RbacInfoSchema,
  RbacPermissionsSchema,
  RbacRolePermissionsSchema,
  RbacRolesSchema,
  RbacStatsSchema,
  StateTransitionEventSchema,
  StreamStatsSchema,
  TelemetrySnapshotSchema,
  TraceResponseSchema,
  type AuditEvent,
  type AuditQueryResponse,
  type AuditStats,
  type Capabilities,
  type ChildrenResponse,
  type CreateAttemptRequest,
  type CreateJobRequest,
  type CreateMissionRequest,
  type CreatePlanRequest,
  type CreateResourceRequest,
  type DecideRequest,
  type Decision,
  type EntityMetrics,
  type EntityStateResponse,
  type EntityType,
  type GovernorInfo,
  type HistoryResponse,
  type LifecycleEntityType,
  type LifecycleStats,
  type StateTransitionEvent,
  type TelemetrySnapshot,
  type TraceResponse,
  type TransitionAction
} from '../../../shared/neurorail'
import { BackendError, isBackendError } from './backend-error'
import { HttpTransport, type AuthProvider, type HttpOptions } from './http'

/** Where BRAiN mounts NeuroRail; our engine uses the same prefix. */
export { API_PREFIX }

/** What a backend can do: our engine lists features; `engine: null` is the BRAiN baseline. */
export interface BackendCapabilities {
  engine: string | null
  version: string | null
  features: string[]
}

/** The BRAiN baseline: no /capabilities, no lists, no children, no SSE (its stream router is unmounted). */
export const BASELINE_CAPABILITIES: BackendCapabilities = {
  engine: null,
  version: null,
  features: []
}

/** Filters of the engine's list routes (extension). */
export interface ListFilter {
  state?: string
  job_type?: string
  mission_id?: string
  job_id?: string
  since?: string
  until?: string
  cursor?: string
  limit?: number
  /** Extension `list_rollups`: ask for each item's roll-up. */
  rollups?: 'true'
}

/** Body of POST /audit/log (extension): an audit event without id and timestamp. */
export type AuditLogInput = Omit<AuditEvent, 'audit_id' | 'timestamp'>

/** The record of an identity entity type, as its schema parses it. */
type IdentityRecord<T extends EntityType> = z.output<(typeof IDENTITY_RECORD_SCHEMAS)[T]>

/**
 * Typed calls for every route of neurorail-api.md §3 and our engine's extensions, each response
 * parsed with the shared schemas. Extensions throw `not_supported` on a backend whose capabilities
 * lack them instead of sending a request that would 404.
 */
export class BackendClient {
  readonly http: HttpTransport
  private capabilitiesValue: BackendCapabilities | null = null

  /**
   * @param baseUrl the environment's base URL (origin, plus a path prefix where BRAiN is mounted
   *   under one); the NeuroRail prefix is added here.
   */
  constructor(
    readonly baseUrl: string,
    auth: AuthProvider | null,
    options: HttpOptions = {}
  ) {
    this.http = new HttpTransport(baseUrl.replace(/\/+$/, '') + API_PREFIX, auth, options)
  }

  /** Base URL of the NeuroRail API (with prefix), as the live stream needs it. */
  get apiBaseUrl(): string {
    return this.http.baseUrl
  }

  // ---- capabilities

  /**
   * Probes GET /capabilities once (and again when `refresh`). A 404 (or 405) means the BRAiN
   * baseline; any other failure propagates (the backend is away, or refuses the credential).
   */
  async capabilities(refresh = false): Promise<BackendCapabilities> {
    if (this.capabilitiesValue && !refresh) return this.capabilitiesValue
    try {
      const caps: Capabilities = await this.http.json(
        { method: 'GET', path: '/capabilities' },
        CapabilitiesSchema
      )
      this.capabilitiesValue = {
        engine: caps.engine,
        version: caps.version,
        features: [...caps.features]
      }
    } catch (error) {
      if (
        isBackendError(error) &&
        (error.status === 404 || error.status === 405 || error.code === 'not_found')
      ) {
        this.capabilitiesValue = BASELINE_CAPABILITIES
      } else {
        throw error
      }
    }
    return this.capabilitiesValue
  }

  /** True when the last capabilities probe listed `feature` (false before any probe). */
  has(feature: string): boolean {
    return this.capabilitiesValue?.features.includes(feature) ?? false
  }

  private async requireFeature(feature: string, what: string): Promise<void> {
    const caps = await this.capabilities()
    if (!caps.features.includes(feature)) {
      throw new BackendError({
        code: 'not_supported',
        message: `This backend cannot ${what} (it has no "${feature}" extension; BRAiN does not)`
      })
    }
  }

  // ---- identity (Bearer required on BRAiN)

  createMission(body: Partial<CreateMissionRequest> = {}) {
    return this.create('mission', body)
  }
  createPlan(body: CreatePlanRequest) {
    return this.create('plan', body)
  }
  createJob(body: CreateJobRequest) {
    return this.create('job', body)
  }
  createAttempt(body: CreateAttemptRequest) {
    return this.create('attempt', body)
  }
  createResource(body: CreateResourceRequest) {
    return this.create('resource', body)
  }

  /** POST /identity/{type}: one new record, as the backend stored it. */
  private create<T extends EntityType>(type: T, body: object): Promise<IdentityRecord<T>> {
    return this.http.json(
      { method: 'POST', path: `/identity/${type}`, body },
      IDENTITY_RECORD_SCHEMAS[type]
    ) as Promise<IdentityRecord<T>>
  }

  /** GET /identity/{type}/{id}. */
  getRecord<T extends EntityType>(type: T, id: string): Promise<IdentityRecord<T>> {
    return this.http.json(
      { method: 'GET', path: `/identity/${type}/${encodeURIComponent(id)}` },
      IDENTITY_RECORD_SCHEMAS[type]
    ) as Promise<IdentityRecord<T>>
  }

  /**
   * GET /identity/trace/{type}/{id}: the upward chain. BRAiN answers an unknown id with 500
   * ("Failed to get trace chain: 404: …"); that is mapped to not_found by the transport, and any
   * other 500 is double-checked by fetching the entity itself, so "unknown id" is always not_found.
   */
  async getTrace(type: EntityType, id: string): Promise<TraceResponse> {
    try {
      return await this.http.json(
        { method: 'GET', path: `/identity/trace/${type}/${encodeURIComponent(id)}` },
        TraceResponseSchema
      )
    } catch (error) {
      if (isBackendError(error) && error.code === 'server_error') {
        // Does the entity exist at all? If not, the 500 was a not-found in disguise.
        try {
          await this.getRecord(type, id)
        } catch (check) {
          if (isBackendError(check) && check.code === 'not_found') throw check
        }
      }
      throw error
    }
  }

  // ---- lifecycle (open on BRAiN)

  /** POST /lifecycle/{type}/{id}/transition (entity_id goes in the body too: BRAiN's schema requires it). */
  transition(
    type: LifecycleEntityType,
    id: string,
    transition: TransitionAction,
    metadata: Record<string, unknown> = {},
    causedBy: string | null = null
  ): Promise<StateTransitionEvent> {
    return this.http.json(
      {
        method: 'POST',
        path: `/lifecycle/${type}/${encodeURIComponent(id)}/transition`,
        body: { entity_id: id, transition, metadata, caused_by: causedBy }
      },
      StateTransitionEventSchema
    )
  }

  /** GET …/state; null when the entity never transitioned (404). */
  async getState(type: LifecycleEntityType, id: string): Promise<EntityStateResponse | null> {
    try {
      return await this.http.json(
        { method: 'GET', path: `/lifecycle/${type}/${encodeURIComponent(id)}/state` },
        EntityStateResponseSchema
      )
    } catch (error) {
      if (isBackendError(error) && error.code === 'not_found') return null
      throw error
    }
  }

  /** GET …/history (oldest first). On BRAiN this fails with backend_bug once rows carry metadata. */
  getHistory(type: LifecycleEntityType, id: string, limit = 100): Promise<HistoryResponse> {
    return this.http.json(
      {
        method: 'GET',
        path: `/lifecycle/${type}/${encodeURIComponent(id)}/history`,
        query: { limit }
      },
      HistoryResponseSchema
    )
  }

  // ---- audit

  /** POST /audit/query — a read, so retried like one. */
  queryAudit(body: {
    mission_id?: string | null
    job_id?: string | null
    event_type?: string | null
    event_category?: string | null
    severity?: string | null
    start_time?: string | null
    end_time?: string | null
    limit?: number
    offset?: number
  }): Promise<AuditQueryResponse> {
    return this.http.json(
      { method: 'POST', path: '/audit/query', body, idempotent: true },
      AuditQueryResponseSchema
    )
  }

  getMissionAudit(missionId: string): Promise<AuditEvent[]> {
    return this.http.json(
      { method: 'GET', path: `/audit/mission/${encodeURIComponent(missionId)}` },
      MissionAuditResponseSchema
    )
  }

  getAuditStats(range: { start_time?: string; end_time?: string } = {}): Promise<AuditStats> {
    return this.http.json({ method: 'GET', path: '/audit/stats', query: range }, AuditStatsSchema)
  }

  /** POST /audit/log (extension). */
  async logAudit(event: AuditLogInput): Promise<AuditEvent> {
    await this.requireFeature('audit_log', 'write audit events')
    return this.http.json({ method: 'POST', path: '/audit/log', body: event }, AuditEventSchema)
  }

  // ---- telemetry

  getEntityMetrics(entityId: string): Promise<EntityMetrics> {
    return this.http.json(
      { method: 'GET', path: `/telemetry/metrics/${encodeURIComponent(entityId)}` },
      EntityMetricsSchema
    )
  }

  /** GET /telemetry/snapshot — always 404 on BRAiN (nothing writes it). */
  getTelemetrySnapshot(): Promise<TelemetrySnapshot> {
    return this.http.json({ method: 'GET', path: '/telemetry/snapshot' }, TelemetrySnapshotSchema)
  }

  /** POST /telemetry/report (extension). */
  async reportTelemetry(body: {
    entity_id: string
    llm_tokens?: number
    cost_credits?: number
    cpu_time_ms?: number
    memory_peak_mb?: number
  }): Promise<EntityMetrics> {
    await this.requireFeature('telemetry_report', 'receive telemetry reports')
    return this.http.json({ method: 'POST', path: '/telemetry/report', body }, EntityMetricsSchema)
  }

  // ---- execution (placeholder on BRAiN)

  getExecutionStatus(attemptId: string) {
    return this.http.json(
      { method: 'GET', path: `/execution/status/${encodeURIComponent(attemptId)}` },
      z.looseObject({ attempt_id: z.string(), status: z.string(), message: z.string().nullish() })
    )
  }

  // ---- governor (Bearer required on BRAiN)

  /** POST /governor/decide — BRAiN records the decision, so never retried. */
  governorDecide(body: DecideRequest): Promise<Decision> {
    return this.http.json({ method: 'POST', path: '/governor/decide', body }, DecisionSchema)
  }

  getGovernorInfo(): Promise<GovernorInfo> {
    return this.http.json({ method: 'GET', path: '/governor/info' }, GovernorInfoSchema)
  }

  /** GET /governor/decisions (extension). */
  async listDecisions(page: { cursor?: string; limit?: number } = {}) {
    await this.requireFeature('decisions_list', 'list governor decisions')
    return this.http.json(
      { method: 'GET', path: '/governor/decisions', query: page },
      DecisionListSchema
    )
  }

  // ---- lists, children, stats (extensions)

  listMissions(filter: ListFilter = {}) {
    return this.list('missions', MissionPageSchema, filter)
  }
  listJobs(filter: ListFilter = {}) {
    return this.list('jobs', JobPageSchema, filter)
  }
  listAttempts(filter: ListFilter = {}) {
    return this.list('attempts', AttemptPageSchema, filter)
  }

  /** GET /identity/{missions|jobs|attempts} (extension `lists`): one page of one level. */
  private async list<S extends z.ZodType>(
    level: 'missions' | 'jobs' | 'attempts',
    schema: S,
    filter: ListFilter
  ): Promise<z.output<S>> {
    await this.requireFeature('lists', `list ${level}`)
    return this.http.json(
      { method: 'GET', path: `/identity/${level}`, query: { ...filter } },
      schema
    )
  }

  /** GET /identity/children/{type}/{id} (extension): direct and indirect children by level. */
  async getChildren(
    type: EntityType,
    id: string,
    page: { cursor?: string; limit?: number } = {}
  ): Promise<ChildrenResponse> {
    await this.requireFeature('children', 'list children')
    return this.http.json(
      { method: 'GET', path: `/identity/children/${type}/${encodeURIComponent(id)}`, query: page },
      ChildrenResponseSchema
    )
  }

  async getLifecycleStats(): Promise<LifecycleStats> {
    await this.requireFeature('lifecycle_stats', 'count entities per state')
    return this.http.json({ method: 'GET', path: '/lifecycle/stats' }, LifecycleStatsSchema)
  }

  /** GET /metrics (extension): Prometheus text. */
  async getMetricsText(): Promise<string> {
    await this.requireFeature('metrics', 'export Prometheus metrics')
    return this.http.text({ method: 'GET', path: '/metrics' })
  }

  // ---- stream and RBAC (unmounted on BRAiN: 404 there)

  getStreamStats() {
    return this.http.json({ method: 'GET', path: '/stream/stats' }, StreamStatsSchema)
  }

  /** POST /stream/publish; a bad channel is BRAiN's 200 `{error}`, raised as backend_error. */
  publish(channel: string, eventType: string, data: Record<string, unknown>) {
    return this.http.json(
      {
        method: 'POST',
        path: '/stream/publish',
        query: { channel, event_type: eventType },
        body: data
      },
      PublishResponseSchema
    )
  }

  clearStreamBuffers() {
    return this.http.json({ method: 'DELETE', path: '/stream/buffers' }, ClearBuffersResponseSchema)
  }

  getRbacInfo() {
    return this.http.json({ method: 'GET', path: '/rbac/info' }, RbacInfoSchema)
  }
  getRbacRoles() {
    return this.http.json({ method: 'GET', path: '/rbac/roles' }, RbacRolesSchema)
  }
  getRbacPermissions() {
    return this.http.json({ method: 'GET', path: '/rbac/permissions' }, RbacPermissionsSchema)
  }
  getRbacRolePermissions(role: string) {
    return this.http.json(
      { method: 'GET', path: `/rbac/roles/${encodeURIComponent(role)}/permissions` },
      RbacRolePermissionsSchema
    )
  }
  rbacCheck(userId: string, role: string, permissions: string[], requireAll = true) {
    return this.http.json(
      {
        method: 'POST',
        path: '/rbac/check',
        query: { user_id: userId, role, require_all: requireAll },
        body: permissions,
        idempotent: true
      },
      RbacCheckResponseSchema
    )
  }
  getRbacStats() {
    return this.http.json({ method: 'GET', path: '/rbac/stats' }, RbacStatsSchema)
  }
}

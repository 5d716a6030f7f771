import { describe, expect, it } from 'vitest'
import {
  AuditEventSchema,
  AuditQueryResponseSchema,
  AuditStatsSchema,
  MissionAuditResponseSchema
} from './audit'
import { DecisionSchema, GovernorInfoSchema } from './governor'
import {
  AttemptRecordSchema,
  JobRecordSchema,
  MissionRecordSchema,
  PlanRecordSchema,
  ResourceRecordSchema,
  TraceResponseSchema
} from './identity'
import {
  EntityStateResponseSchema,
  HistoryResponseSchema,
  StateTransitionEventSchema
} from './lifecycle'
import {
  ForbiddenDetailSchema,
  RbacCheckResponseSchema,
  RbacInfoSchema,
  RbacPermissionsSchema,
  RbacRolePermissionsSchema,
  RbacRolesSchema,
  RbacStatsSchema
} from './rbac'
import {
  ClearBuffersResponseSchema,
  PublishResponseSchema,
  StreamEventSchema,
  StreamStatsSchema
} from './stream'
import { EntityMetricsSchema, TelemetrySnapshotSchema } from './telemetry'
import { InvalidTransitionDetailsSchema, NeuroRailErrorSchema } from './errors'
import { FastApiErrorBodySchema, ValidationErrorBodySchema, describeErrorBody } from './http'
import { sampleRecordChain } from './sample-records'

// Bodies shaped like the real backend's (API §3–§7): naive datetimes, nulls, microseconds.
const T = '2026-11-23T05:52:19.188524'
const TZ = '2026-11-23T05:52:19.188Z'

const { mission, plan, job, attempt, resource } = sampleRecordChain(T, '0123456789ab', {
  team: 'ops'
})
const transition = {
  event_id: 'evt_20261123055219',
  entity_type: 'job',
  entity_id: 'j_0123456789ab',
  from_state: 'running',
  to_state: 'failed_mechanical',
  transition: 'fail',
  timestamp: T,
  metadata: { error_code: 'NR-E004' },
  caused_by: null
}
const auditEvent = {
  audit_id: 'aud_0123456789ab',
  timestamp: T,
  mission_id: 'm_0123456789ab',
  plan_id: null,
  job_id: 'j_0123456789ab',
  attempt_id: 'a_0123456789ab',
  resource_uuid: null,
  event_type: 'execution_failure',
  event_category: 'execution',
  severity: 'error',
  message: 'Execution failed: boom',
  details: { error_code: 'NR-E005' },
  caused_by_agent: null,
  caused_by_event: null
}

describe('identity responses', () => {
  it('records parse and normalise datetimes to Z', () => {
    expect(MissionRecordSchema.parse(mission).created_at).toBe(TZ)
    expect(PlanRecordSchema.parse(plan).plan_type).toBe('sequential')
    expect(JobRecordSchema.parse(job).dependencies).toEqual([])
    expect(AttemptRecordSchema.parse(attempt).attempt_number).toBe(1)
    expect(ResourceRecordSchema.parse(resource).resource_uuid).toBe('r_0123456789ab')
  })

  it('missing or null metadata/tags become {}', () => {
    expect(MissionRecordSchema.parse({ mission_id: 'm_0123456789ab', created_at: T }).tags).toEqual(
      {}
    )
    expect(MissionRecordSchema.parse({ ...mission, tags: null }).tags).toEqual({})
    expect(PlanRecordSchema.parse({ ...plan, metadata: null }).metadata).toEqual({})
    expect(
      JobRecordSchema.parse({ ...job, metadata: undefined, dependencies: null })
    ).toMatchObject({
      metadata: {},
      dependencies: []
    })
  })

  it('unknown extra keys do not break parsing', () => {
    expect(
      MissionRecordSchema.safeParse({ ...mission, current_state: 'pending', extra: 1 }).success
    ).toBe(true)
  })

  it('trace response: chain wrapped in trace_chain, lower levels null', () => {
    const body = {
      entity_type: 'job',
      entity_id: 'j_0123456789ab',
      trace_chain: { mission, plan, job, attempt: null, resource: null },
      created_at: T
    }
    const parsed = TraceResponseSchema.parse(body)
    expect(parsed.trace_chain.job?.job_id).toBe('j_0123456789ab')
    expect(parsed.trace_chain.attempt).toBeNull()
    expect(parsed.trace_chain.mission?.created_at).toBe(TZ)
  })

  it('trace chain levels may be absent altogether', () => {
    const parsed = TraceResponseSchema.parse({
      entity_type: 'mission',
      entity_id: 'm_0123456789ab',
      trace_chain: { mission },
      created_at: T
    })
    expect(parsed.trace_chain).toMatchObject({
      plan: null,
      job: null,
      attempt: null,
      resource: null
    })
  })
})

describe('lifecycle responses', () => {
  it('transition event, including the first one with from_state null', () => {
    expect(StateTransitionEventSchema.parse(transition).timestamp).toBe(TZ)
    const first = StateTransitionEventSchema.parse({
      ...transition,
      from_state: null,
      to_state: 'pending',
      transition: 'create'
    })
    expect(first.from_state).toBeNull()
  })

  it('state response with allowed_transitions in metadata', () => {
    const parsed = EntityStateResponseSchema.parse({
      entity_type: 'job',
      entity_id: 'j_0123456789ab',
      current_state: 'failed_mechanical',
      updated_at: T,
      metadata: { allowed_transitions: ['running', 'cancelled'] }
    })
    expect(parsed.metadata.allowed_transitions).toEqual(['running', 'cancelled'])
  })

  it('history response', () => {
    const parsed = HistoryResponseSchema.parse({
      entity_type: 'job',
      entity_id: 'j_0123456789ab',
      transitions: [
        { ...transition, from_state: null, to_state: 'pending', transition: 'create' },
        transition
      ],
      total_transitions: 2
    })
    expect(parsed.transitions).toHaveLength(2)
  })

  it('lifecycle 400 NR-E301 detail parses as a NeuroRail error', () => {
    const body = {
      detail: {
        code: 'NR-E301',
        category: 'system',
        retriable: false,
        severity: 'error',
        message: 'Invalid transition from succeeded to running',
        details: {
          entity_type: 'job',
          entity_id: 'j_0123456789ab',
          current_state: 'succeeded',
          target_state: 'running',
          allowed_states: []
        }
      }
    }
    const outer = FastApiErrorBodySchema.parse(body)
    const err = NeuroRailErrorSchema.parse(outer.detail)
    expect(InvalidTransitionDetailsSchema.parse(err.details).target_state).toBe('running')
    expect(describeErrorBody(body)).toBe('Invalid transition from succeeded to running')
  })
})

describe('audit responses', () => {
  it('audit event and query response', () => {
    expect(AuditEventSchema.parse(auditEvent).timestamp).toBe(TZ)
    const parsed = AuditQueryResponseSchema.parse({
      events: [auditEvent],
      total: 1,
      limit: 100,
      offset: 0
    })
    expect(parsed.events[0]?.details).toEqual({ error_code: 'NR-E005' })
    expect(MissionAuditResponseSchema.parse([auditEvent])).toHaveLength(1)
  })

  it('audit event with details null', () => {
    expect(AuditEventSchema.parse({ ...auditEvent, details: null }).details).toEqual({})
  })

  it('audit stats with the year-1 default range start', () => {
    const parsed = AuditStatsSchema.parse({
      total_events: 3,
      events_by_category: { execution: 3 },
      events_by_severity: { info: 2, error: 1 },
      events_by_type: { execution_start: 1, execution_success: 1, execution_failure: 1 },
      time_range_start: '0001-01-01T00:00:00',
      time_range_end: T
    })
    expect(parsed.time_range_start).toBe('0001-01-01T00:00:00.000Z')
  })
})

describe('telemetry and governor responses', () => {
  it('entity metrics with nulls', () => {
    const parsed = EntityMetricsSchema.parse({
      entity_id: 'a_0123456789ab',
      entity_type: 'attempt',
      started_at: T,
      completed_at: null,
      duration_ms: null,
      llm_tokens_consumed: 0,
      cpu_time_ms: null,
      memory_peak_mb: null,
      attempt_count: 1,
      retry_count: 0,
      success: null,
      error_type: null,
      error_category: null
    })
    expect(parsed).toMatchObject({ started_at: TZ, completed_at: null, success: null })
  })

  it('telemetry snapshot', () => {
    const parsed = TelemetrySnapshotSchema.parse({
      timestamp: T,
      active_missions: 1,
      active_jobs: 2,
      active_attempts: 2,
      pending_missions: 0,
      pending_jobs: 3,
      resources_by_type: { llm_token: 1200 },
      error_rate_1h: 0.05,
      avg_latency_1h_ms: 812.5,
      p95_latency_1h_ms: 2100
    })
    expect(parsed.resources_by_type).toEqual({ llm_token: 1200 })
  })

  it('governor decision', () => {
    const parsed = DecisionSchema.parse({
      decision_id: 'dec_20261123055219',
      timestamp: T,
      mode: 'rail',
      reason: 'Job type llm_call requires governance',
      mission_id: 'm_0123456789ab',
      job_id: null,
      job_type: 'llm_call',
      matched_rules: ['rule_0'],
      evidence: { environment: 'dev' },
      shadow_mode: false
    })
    expect(parsed).toMatchObject({ mode: 'rail', matched_rules: ['rule_0'], timestamp: TZ })
  })

  it('governor info', () => {
    const parsed = GovernorInfoSchema.parse({
      name: 'NeuroRail Governor',
      version: '0.1.0 (Phase 1 Stub)',
      phase: 'Phase 1',
      enforcement_enabled: false,
      active_manifest: {
        name: 'default_phase1',
        version: '1.0',
        description: 'Default rules',
        rule_count: 4
      },
      shadow_manifest: { enabled: false, version: null }
    })
    expect(parsed.active_manifest?.rule_count).toBe(4)
  })
})

describe('stream and RBAC responses', () => {
  it('SSE data line of the real backend (no id) and of our engine (id)', () => {
    const line =
      '{"channel": "lifecycle", "event_type": "state_transition", "timestamp": 1795413116.697611, "data": {"entity_id": "j_0123456789ab", "from_state": "running", "to_state": "succeeded"}}'
    const real = StreamEventSchema.parse(JSON.parse(line))
    expect(real.id).toBeUndefined()
    expect(real.data).toMatchObject({ to_state: 'succeeded' })
    expect(StreamEventSchema.parse({ ...real, id: '42', channel: 'signals' }).id).toBe('42')
    expect(StreamEventSchema.safeParse({ ...real, channel: 'bogus' }).success).toBe(false)
  })

  it('stream stats, publish and clear responses', () => {
    const channels = {
      audit: 0,
      lifecycle: 1,
      metrics: 0,
      reflex: 0,
      governor: 0,
      enforcement: 0,
      all: 1
    }
    expect(
      StreamStatsSchema.parse({
        total_events_published: 5,
        total_subscribers: 2,
        subscribers_by_channel: channels,
        buffer_sizes: channels
      }).total_subscribers
    ).toBe(2)
    expect(
      PublishResponseSchema.parse({ success: true, channel: 'audit', event_type: 'x' })
    ).toMatchObject({ success: true })
    expect(PublishResponseSchema.parse({ error: 'Invalid channel: x' })).toEqual({
      error: 'Invalid channel: x'
    })
    expect(
      ClearBuffersResponseSchema.parse({ success: true, message: 'All buffers cleared' }).success
    ).toBe(true)
  })

  it('rbac routes', () => {
    expect(
      RbacInfoSchema.parse({
        name: 'NeuroRail RBAC',
        version: '1.0.0',
        roles: [{ role: 'viewer', permissions: ['read:audit'] }],
        permissions: ['read:audit'],
        stats: { authorization_count: 1, denied_count: 0, denial_rate: 0 }
      }).stats?.authorization_count
    ).toBe(1)
    expect(
      RbacRolesSchema.parse({ roles: [{ role: 'admin', description: 'Full access', level: 3 }] })
        .roles[0]?.level
    ).toBe(3)
    expect(
      RbacPermissionsSchema.parse({
        permissions: [{ permission: 'read:audit', category: 'read', description: 'Read audit' }]
      }).permissions
    ).toHaveLength(1)
    expect(
      RbacRolePermissionsSchema.parse({
        role: 'viewer',
        permissions: ['read:audit'],
        permission_count: 1
      })
    ).toMatchObject({
      permission_count: 1
    })
    expect(RbacRolePermissionsSchema.parse({ error: 'Invalid role: x' })).toEqual({
      error: 'Invalid role: x'
    })
    expect(
      RbacCheckResponseSchema.parse({
        allowed: false,
        reason: 'Missing permissions: manage:system',
        required_permissions: ['manage:system'],
        user_permissions: ['read:audit']
      })
    ).toMatchObject({ allowed: false })
    expect(
      RbacStatsSchema.parse({ authorization_count: 10, denied_count: 1, denial_rate: 0.1 })
        .denial_rate
    ).toBe(0.1)
  })

  it('403 detail', () => {
    const body = {
      detail: {
        error: 'Insufficient permissions',
        reason: 'Missing permissions: manage:system',
        required_permissions: ['manage:system'],
        user_permissions: ['read:audit']
      }
    }
    const detail = ForbiddenDetailSchema.parse(FastApiErrorBodySchema.parse(body).detail)
    expect(detail.required_permissions).toEqual(['manage:system'])
    expect(describeErrorBody(body)).toBe('Insufficient permissions')
  })
})

describe('FastAPI error bodies', () => {
  it('string detail', () => {
    expect(describeErrorBody({ detail: 'Job j_0123456789ab not found' })).toBe(
      'Job j_0123456789ab not found'
    )
  })

  it('422 with pydantic v2 items', () => {
    const body = {
      detail: [
        {
          type: 'missing',
          loc: ['body', 'job_type'],
          msg: 'Field required',
          input: { plan_id: 'p_0123456789ab' }
        },
        {
          type: 'less_than_equal',
          loc: ['body', 'limit'],
          msg: 'Input should be less than or equal to 1000',
          input: 5000,
          ctx: { le: 1000 }
        }
      ]
    }
    expect(ValidationErrorBodySchema.parse(body).detail[1]?.ctx).toEqual({ le: 1000 })
    expect(describeErrorBody(body)).toBe(
      'body.job_type: Field required; body.limit: Input should be less than or equal to 1000'
    )
  })

  it('422 with pydantic v1 items', () => {
    const body = {
      detail: [
        { loc: ['body', 'attempt_number'], msg: 'field required', type: 'value_error.missing' }
      ]
    }
    const parsed = ValidationErrorBodySchema.parse(body)
    expect(parsed.detail[0]?.input).toBeUndefined()
    expect(describeErrorBody(body)).toBe('body.attempt_number: field required')
  })

  it('non-FastAPI bodies are not described', () => {
    expect(describeErrorBody('Internal Server Error')).toBeNull()
    expect(describeErrorBody({ error: 'x' })).toBeNull()
  })
})

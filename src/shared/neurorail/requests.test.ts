import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { AuditLogRequestSchema, AuditQueryRequestSchema } from './audit'
import { BudgetSchema, DEFAULT_BUDGET, ListQuerySchema, PageQuerySchema } from './extensions'
import { DecideRequestSchema } from './governor'
import {
  CreateAttemptRequestSchema,
  CreateJobRequestSchema,
  CreateMissionRequestSchema,
  CreatePlanRequestSchema,
  CreateResourceRequestSchema
} from './identity'
import { HistoryQuerySchema, TransitionRequestSchema } from './lifecycle'
import { PublishQuerySchema } from './stream'
import { TelemetryReportRequestSchema } from './telemetry'

/** The issue messages (with paths) of a failed parse, for readable assertions. */
function issues(schema: z.ZodType, input: unknown): string[] {
  const r = schema.safeParse(input)
  if (r.success) return []
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('identity requests', () => {
  it('mission: defaults and parent ID format', () => {
    expect(CreateMissionRequestSchema.parse({})).toEqual({ parent_mission_id: null, tags: {} })
    expect(issues(CreateMissionRequestSchema, { parent_mission_id: 'j_0123456789ab' })).toEqual([
      'parent_mission_id: must be a mission ID: m_ followed by 12 lowercase hex characters'
    ])
    expect(issues(CreateMissionRequestSchema, { tags: { a: 1 } })).toHaveLength(1)
  })

  it('plan: plan_type defaults to sequential, mission_id required and formatted', () => {
    expect(CreatePlanRequestSchema.parse({ mission_id: 'm_0123456789ab' })).toEqual({
      mission_id: 'm_0123456789ab',
      plan_type: 'sequential',
      metadata: {}
    })
    expect(issues(CreatePlanRequestSchema, { mission_id: 'm_123' })[0]).toMatch(
      /^mission_id: must be a mission ID/
    )
    expect(issues(CreatePlanRequestSchema, {})[0]).toMatch(/^mission_id:/)
  })

  it('job: job_type required, dependencies are job IDs', () => {
    expect(
      CreateJobRequestSchema.parse({ plan_id: 'p_0123456789ab', job_type: 'llm_call' })
    ).toMatchObject({
      dependencies: [],
      metadata: {}
    })
    expect(issues(CreateJobRequestSchema, { plan_id: 'p_0123456789ab' })[0]).toMatch(/^job_type:/)
    expect(issues(CreateJobRequestSchema, { plan_id: 'p_0123456789ab', job_type: '' })).toEqual([
      'job_type: job_type must not be empty'
    ])
    expect(
      issues(CreateJobRequestSchema, {
        plan_id: 'p_0123456789ab',
        job_type: 'x',
        dependencies: ['a_0123456789ab']
      })
    ).toEqual(['dependencies.0: must be a job ID: j_ followed by 12 lowercase hex characters'])
  })

  it('attempt: attempt_number required positive integer', () => {
    expect(
      CreateAttemptRequestSchema.safeParse({ job_id: 'j_0123456789ab', attempt_number: 1 }).success
    ).toBe(true)
    expect(
      issues(CreateAttemptRequestSchema, { job_id: 'j_0123456789ab', attempt_number: 0 })
    ).toEqual(['attempt_number: attempt_number starts at 1'])
    expect(
      issues(CreateAttemptRequestSchema, { job_id: 'j_0123456789ab', attempt_number: 1.5 })
    ).toEqual(['attempt_number: attempt_number must be an integer'])
    expect(issues(CreateAttemptRequestSchema, { job_id: 'j_0123456789ab' })[0]).toMatch(
      /^attempt_number:/
    )
  })

  it('resource: attempt_id format, resource_type required', () => {
    expect(
      CreateResourceRequestSchema.safeParse({
        attempt_id: 'a_0123456789ab',
        resource_type: 'llm_token'
      }).success
    ).toBe(true)
    expect(
      issues(CreateResourceRequestSchema, { attempt_id: 'j_0123456789ab', resource_type: 'x' })[0]
    ).toMatch(/^attempt_id: must be an attempt ID/)
  })
})

describe('lifecycle requests', () => {
  it('transition: closed action enum, metadata defaults', () => {
    expect(
      TransitionRequestSchema.parse({ entity_id: 'j_0123456789ab', transition: 'fail' })
    ).toEqual({
      entity_id: 'j_0123456789ab',
      transition: 'fail',
      metadata: {},
      caused_by: null
    })
    expect(issues(TransitionRequestSchema, { transition: 'explode' })[0]).toMatch(
      /^transition: transition must be one of create, start/
    )
  })

  it('history limit: coerced from the query string, 1–1000, default 100', () => {
    expect(HistoryQuerySchema.parse({})).toEqual({ limit: 100 })
    expect(HistoryQuerySchema.parse({ limit: '25' })).toEqual({ limit: 25 })
    expect(issues(HistoryQuerySchema, { limit: '0' })).toEqual(['limit: limit must be at least 1'])
    expect(issues(HistoryQuerySchema, { limit: 1001 })).toEqual([
      'limit: limit must be at most 1000'
    ])
  })
})

describe('audit requests', () => {
  it('query defaults and bounds', () => {
    expect(AuditQueryRequestSchema.parse({})).toMatchObject({ limit: 100, offset: 0 })
    expect(AuditQueryRequestSchema.parse({ limit: 1000, offset: 5 })).toMatchObject({
      limit: 1000,
      offset: 5
    })
    expect(issues(AuditQueryRequestSchema, { limit: 0 })).toEqual([
      'limit: limit must be at least 1'
    ])
    expect(issues(AuditQueryRequestSchema, { limit: 1001 })).toEqual([
      'limit: limit must be at most 1000'
    ])
    expect(issues(AuditQueryRequestSchema, { offset: -1 })).toEqual([
      'offset: offset must be 0 or more'
    ])
  })

  it('query filters: ID formats, closed enums, naive datetimes', () => {
    expect(
      AuditQueryRequestSchema.parse({
        start_time: '2026-11-23T05:00:00',
        event_category: 'safety',
        severity: 'critical'
      })
    ).toMatchObject({ start_time: '2026-11-23T05:00:00.000Z' })
    expect(issues(AuditQueryRequestSchema, { event_category: 'other' })[0]).toMatch(
      /^event_category: event_category must be one of execution, governance, safety, telemetry/
    )
    expect(issues(AuditQueryRequestSchema, { severity: 'fatal' })[0]).toMatch(
      /^severity: severity must be one of/
    )
    expect(issues(AuditQueryRequestSchema, { mission_id: 'oops' })[0]).toMatch(
      /^mission_id: must be a mission ID/
    )
  })

  it('log (extension) requires category and message, defaults severity to info', () => {
    expect(
      AuditLogRequestSchema.parse({
        event_type: 'agent_note',
        event_category: 'execution',
        message: 'hello'
      })
    ).toMatchObject({ severity: 'info', details: {}, mission_id: null })
    expect(issues(AuditLogRequestSchema, { event_type: 'x', message: 'y' })[0]).toMatch(
      /^event_category:/
    )
    expect(
      issues(AuditLogRequestSchema, { event_type: 'x', event_category: 'execution', message: '' })
    ).toEqual(['message: message must not be empty'])
  })
})

describe('governor, telemetry and stream requests', () => {
  it('decide: job_type required, context defaults, IDs formatted', () => {
    expect(DecideRequestSchema.parse({ job_type: 'llm_call' })).toEqual({
      mission_id: null,
      job_id: null,
      job_type: 'llm_call',
      context: {},
      shadow_evaluate: false
    })
    expect(issues(DecideRequestSchema, {})[0]).toMatch(/^job_type:/)
    expect(issues(DecideRequestSchema, { job_type: 'x', job_id: 'm_0123456789ab' })[0]).toMatch(
      /^job_id: must be a job ID/
    )
  })

  it('telemetry report: entity ID and non-negative numbers', () => {
    expect(
      TelemetryReportRequestSchema.safeParse({
        entity_id: 'a_0123456789ab',
        llm_tokens: 10,
        cost_credits: 0.2
      }).success
    ).toBe(true)
    expect(issues(TelemetryReportRequestSchema, { entity_id: 'x', llm_tokens: 1 })[0]).toMatch(
      /^entity_id: must be an entity ID/
    )
    expect(
      issues(TelemetryReportRequestSchema, { entity_id: 'a_0123456789ab', llm_tokens: -1 })[0]
    ).toMatch(/^llm_tokens:/)
  })

  it('publish query: closed channel enum', () => {
    expect(PublishQuerySchema.safeParse({ channel: 'signals', event_type: 'x' }).success).toBe(true)
    expect(issues(PublishQuerySchema, { channel: 'nope', event_type: 'x' })[0]).toMatch(
      /^channel: channel must be one of audit, lifecycle/
    )
  })
})

describe('extension requests', () => {
  it('page and list queries coerce and bound limit', () => {
    expect(PageQuerySchema.parse({})).toEqual({ limit: 50 })
    expect(issues(PageQuerySchema, { limit: '501' })).toEqual(['limit: limit must be at most 500'])
    expect(
      ListQuerySchema.parse({ state: 'running', since: '2026-11-23T05:00:00', limit: '10' })
    ).toMatchObject({
      state: 'running',
      since: '2026-11-23T05:00:00.000Z',
      limit: 10
    })
    expect(issues(ListQuerySchema, { state: 'sleeping' })[0]).toMatch(/^state:/)
  })

  it('budget defaults (§8) and bounds', () => {
    expect(DEFAULT_BUDGET).toEqual({
      timeout_ms: 30000,
      max_retries: 3,
      max_parallel_attempts: 5,
      max_global_parallel: 100,
      max_llm_tokens: null,
      max_cost_credits: null,
      grace_period_ms: 5000
    })
    expect(BudgetSchema.parse({ max_retries: 0 }).max_retries).toBe(0)
    expect(issues(BudgetSchema, { max_retries: 11 })).toEqual([
      'max_retries: max_retries must be at most 10'
    ])
    expect(issues(BudgetSchema, { max_retries: -1 })).toEqual([
      'max_retries: max_retries must be 0 or more'
    ])
  })
})

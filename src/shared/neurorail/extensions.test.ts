import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  CapabilitiesSchema,
  ChildrenResponseSchema,
  DecisionListSchema,
  JobPageSchema,
  LifecycleStatsSchema,
  MissionListItemSchema,
  pageSchema
} from './extensions'

const T = '2026-11-23T05:52:19.188Z'

describe('engine extensions', () => {
  it('capabilities', () => {
    expect(
      CapabilitiesSchema.parse({
        engine: 'controldeck',
        version: '0.1.0',
        features: ['lists', 'stream']
      })
    ).toEqual({ engine: 'controldeck', version: '0.1.0', features: ['lists', 'stream'] })
  })

  it('pageSchema wraps any item schema', () => {
    const page = pageSchema(z.number())
    expect(page.parse({ items: [1, 2], next_cursor: 'abc' })).toEqual({
      items: [1, 2],
      next_cursor: 'abc'
    })
    expect(page.parse({ items: [] }).next_cursor).toBeNull()
    expect(page.safeParse({ items: ['x'], next_cursor: null }).success).toBe(false)
  })

  it('list items carry current_state, null when never transitioned', () => {
    const base = { mission_id: 'm_0123456789ab', created_at: T, parent_mission_id: null, tags: {} }
    expect(MissionListItemSchema.parse({ ...base, current_state: 'executing' }).current_state).toBe(
      'executing'
    )
    expect(MissionListItemSchema.parse(base).current_state).toBeNull()
    expect(MissionListItemSchema.safeParse({ ...base, current_state: 'succeeded' }).success).toBe(
      false
    )
    const jobs = JobPageSchema.parse({
      items: [
        {
          job_id: 'j_0123456789ab',
          plan_id: 'p_0123456789ab',
          created_at: T,
          job_type: 'llm_call',
          dependencies: [],
          metadata: {},
          current_state: 'failed_mechanical'
        }
      ],
      next_cursor: null
    })
    expect(jobs.items[0]?.current_state).toBe('failed_mechanical')
  })

  it('children response', () => {
    const parsed = ChildrenResponseSchema.parse({
      entity_type: 'mission',
      entity_id: 'm_0123456789ab',
      plans: [
        {
          plan_id: 'p_0123456789ab',
          mission_id: 'm_0123456789ab',
          created_at: T,
          plan_type: 'dag',
          metadata: {}
        }
      ],
      jobs: [],
      attempts: [],
      resources: []
    })
    expect(parsed.plans).toHaveLength(1)
    expect(parsed.next_cursor).toBeNull()
  })

  it('decision list', () => {
    const parsed = DecisionListSchema.parse({
      items: [
        {
          decision_id: 'dec_20261123055219_0001',
          timestamp: T,
          mode: 'direct',
          reason: 'Default rule',
          mission_id: null,
          job_id: null,
          job_type: 'tool_execution',
          matched_rules: ['rule_3'],
          evidence: {},
          shadow_mode: false
        }
      ],
      next_cursor: 'c1'
    })
    expect(parsed.items[0]?.mode).toBe('direct')
  })

  it('lifecycle stats', () => {
    const parsed = LifecycleStatsSchema.parse({
      states: { mission: { pending: 1, executing: 2 }, job: { running: 3 }, attempt: {} },
      transitions: [{ entity_type: 'job', from_state: null, to_state: 'pending', count: 3 }]
    })
    expect(parsed.transitions[0]?.from_state).toBeNull()
    expect(parsed.states.job.running).toBe(3)
  })
})

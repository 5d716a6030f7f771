import { describe, expect, it } from 'vitest'
import {
  circuitFromChange,
  circuitHalfOpenAt,
  isoTime,
  reflexActionFacts,
  reflexActionOfRecord,
  toCircuitView,
  toReflexActionView
} from './governance-mapper'

describe('governance mapper', () => {
  it('reads time fields as every other datetime of the tree does (naive is UTC)', () => {
    expect(isoTime('2026-11-23T05:52:19.188524')).toBe('2026-11-23T05:52:19.188Z')
    expect(isoTime('2026-11-23 05:52:19')).toBe('2026-11-23T05:52:19.000Z')
    expect(isoTime('2026-11-23T07:52:19+02')).toBe('2026-11-23T05:52:19.000Z')
    expect(isoTime('2026-02-30T00:00:00')).toBeNull()
    expect(isoTime(1_795_413_116.5)).toBe('2026-11-23T05:51:56.500Z')
    expect(isoTime('soon')).toBeNull()
    // A hostile or broken backend's number past the Date range reads as no time, never throws.
    expect(isoTime(1e20)).toBeNull()
    expect(isoTime(9e15)).toBeNull()
  })

  it('maps a REST action row and its stream event to the same view', () => {
    const record = {
      id: 7,
      timestamp: '2027-01-15T08:00:00.000Z',
      job_id: 'j_000000000002',
      action_type: 'suspend' as const,
      reason: 'NR-E141',
      success: true,
      trigger_id: 'trigger:tool_call',
      actor: 'reflex',
      details: { cooldown_seconds: 60 }
    }
    const { id, timestamp, ...event } = record
    const fromRest = reflexActionOfRecord(record)
    const fromStream = toReflexActionView(
      { ...event, action_id: id } as typeof event,
      String(id),
      new Date(Date.parse(timestamp)).toISOString()
    )
    expect(fromStream).toEqual(fromRest)
    expect(reflexActionFacts(fromRest)).toEqual({
      triggerId: 'trigger:tool_call',
      actor: 'reflex',
      error: null,
      cooldownSeconds: 60
    })
  })

  it('folds a streamed change over a REST circuit and derives its half-open time', () => {
    const rest = toCircuitView({
      circuit_id: 'llm',
      state: 'closed',
      failure_count: 4,
      success_count: 0,
      half_open_calls: 0,
      total_calls: 10,
      total_failures: 4,
      total_successes: 6,
      open_count: 0,
      last_failure_time: 100,
      last_state_change_time: 50,
      recovers_at: null,
      options: {
        failureThreshold: 5,
        recoveryTimeoutMs: 30_000,
        successThreshold: 2,
        halfOpenMaxCalls: 1
      }
    })
    expect(circuitHalfOpenAt(rest)).toBeNull()
    const open = circuitFromChange(
      { circuit_id: 'llm', to_state: 'open', failure_count: 5 },
      200_000,
      rest
    )
    expect(open).toMatchObject({
      state: 'open',
      failureCount: 5,
      totalCalls: 10,
      openCount: 1,
      recoveryTimeoutMs: 30_000
    })
    expect(circuitHalfOpenAt(open)).toBe(230_000)
  })
})

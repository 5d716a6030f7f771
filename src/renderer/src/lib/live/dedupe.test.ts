import { describe, expect, it } from 'vitest'
import { mergeViolations, violationCounts } from '../../pages/budget/violations'
import { reflexActionFacts } from '../../../../shared/console/governance-mapper'
import { mergeActions, mergeTriggers } from '../../pages/reflex/merge'
import { emptyBudget, reduceBudget } from './budget'
import { emptyReflex, reduceReflex } from './reflex'
import { liveEvent as ev } from './testing'

// What the engine streams for one token overrun: the enforcement event and its audit row.
const violation = {
  violation_id: 'vio_1',
  violation_type: 'tokens',
  code: 'NR-E104',
  message: 'LLM token budget exceeded',
  mission_id: 'm_000000000001',
  job_id: 'j_000000000001',
  attempt_id: 'a_000000000001',
  details: { limit: 1000, consumed: 1500 }
}
const violationEvents = () => [
  ev('enforcement', 'budget_violation', violation),
  // The audit row's details are the event's data.
  ev('audit', 'budget_violation', {
    audit_id: 'aud_1',
    job_id: 'j_000000000001',
    attempt_id: 'a_000000000001',
    message: 'NR-E104 LLM token budget exceeded',
    caused_by_event: 'vio_1',
    details: violation
  })
]

describe('one violation, three copies', () => {
  it('counts the enforcement event and its audit row once', () => {
    const m = reduceBudget(emptyBudget(), violationEvents())
    expect(m.totals.violations).toBe(1)
    expect(m.violations).toHaveLength(1)
    expect(m.violations[0]).toMatchObject({
      id: 'vio_1',
      kind: 'tokens',
      code: 'NR-E104',
      limit: 1000,
      consumed: 1500
    })
    // A later batch repeating it changes nothing.
    expect(reduceBudget(m, violationEvents().slice(1)).totals.violations).toBe(1)
  })

  it('maps an audit-only copy without printing unknowns', () => {
    const m = reduceBudget(emptyBudget(), violationEvents().slice(1))
    expect(m.violations[0]).toMatchObject({
      id: 'vio_1',
      kind: 'tokens',
      code: 'NR-E104',
      message: 'LLM token budget exceeded'
    })
  })

  it('merges with the backend row by violation id and counts from the merged set', () => {
    const live = reduceBudget(emptyBudget(), violationEvents()).violations
    const backend = [
      {
        violationId: 'vio_1',
        violationType: 'tokens',
        code: 'NR-E104',
        jobId: 'j_000000000001',
        attemptId: 'a_000000000001',
        missionId: 'm_000000000001',
        message: 'LLM token budget exceeded',
        at: '2027-01-15T08:00:00.000Z',
        details: {}
      }
    ]
    const rows = mergeViolations(backend, live)
    expect(rows).toHaveLength(1)
    expect(violationCounts({ total: 1, byType: { tokens: 1 } }, rows)).toEqual({
      total: 1,
      byType: { tokens: 1 }
    })
    // Before the backend lists it, the live row counts.
    expect(violationCounts({ total: 0, byType: {} }, mergeViolations([], live))).toEqual({
      total: 1,
      byType: { tokens: 1 }
    })
  })
})

it('counts a live violation whose kind is named like an Object.prototype member', () => {
  const row = (kind: string) => ({
    key: kind,
    at: 0,
    kind,
    code: '',
    message: '',
    missionId: null,
    jobId: null,
    attemptId: null,
    live: true
  })
  expect(violationCounts(null, [row('constructor'), row('toString')]).byType).toEqual({
    constructor: 1,
    toString: 1
  })
})

it('reads a violation code named like an Object.prototype member as an unknown code', () => {
  const m = reduceBudget(emptyBudget(), [
    ev('enforcement', 'budget_violation', { violation_id: 'vio_x', code: 'constructor' })
  ])
  expect(m.violations[0]?.kind).toBe('budget')
})

describe('reflex events as the engine sends them', () => {
  const trigger = {
    trigger_id: 'trigger:tool_call',
    reason: 'error_rate',
    error_rate: 0.8,
    sample_count: 5,
    budget_violations: 0,
    activation_count: 1
  }
  // Each audit row's details are its event's data.
  const circuit = {
    circuit_id: 'tool:weather-api',
    from_state: 'closed',
    to_state: 'open',
    failure_count: 5,
    success_count: 0,
    reason: 'failure_threshold'
  }
  const activated = { ...trigger, job_id: 'j_000000000002', code: 'NR-E141', message: 'Trigger …' }
  const action = {
    action_id: 7,
    job_id: 'j_000000000002',
    action_type: 'suspend',
    reason: 'NR-E141 Trigger …',
    success: true,
    trigger_id: 'trigger:tool_call',
    actor: 'reflex',
    details: { cooldown_seconds: 60 }
  }
  const events = () => [
    ev('reflex', 'circuit_state_changed', circuit),
    ev('audit', 'circuit_state_changed', {
      audit_id: 'aud_c',
      message: 'Circuit tool:weather-api: closed → open (failure_threshold)',
      details: circuit
    }),
    ev('reflex', 'trigger_activated', activated),
    ev('audit', 'trigger_activated', {
      audit_id: 'aud_t',
      job_id: 'j_000000000002',
      message: 'NR-E141 Trigger …',
      details: activated
    }),
    ev('reflex', 'reflex_action_executed', action),
    ev('audit', 'reflex_action_executed', {
      audit_id: 'aud_a',
      job_id: 'j_000000000002',
      severity: 'info',
      message: 'Reflex suspend on j_000000000002 done: NR-E141 Trigger …',
      caused_by_agent: 'reflex',
      details: action
    })
  ]

  it('reads the real fields and keeps one copy of each', () => {
    const m = reduceReflex(emptyReflex(), events())
    expect(m.circuits['tool:weather-api']).toMatchObject({
      state: 'open',
      failureCount: 5,
      changes: 1
    })
    expect(m.totals).toMatchObject({ circuitChanges: 1, triggers: 1, actions: 1, failedActions: 0 })
    expect(m.triggers[0]).toMatchObject({
      triggerId: 'trigger:tool_call',
      reason: 'error_rate',
      errorRate: 0.8,
      activationCount: 1
    })
    const [action] = m.actions
    expect(action).toMatchObject({ actionId: '7', actionType: 'suspend', success: true })
    expect(action && reflexActionFacts(action)).toMatchObject({
      triggerId: 'trigger:tool_call',
      actor: 'reflex'
    })
    expect(m.held['j_000000000002']).toMatchObject({ state: 'suspended' })
  })

  it('maps audit-only copies without "unknown"', () => {
    const audits = events().filter((e) => e.channel === 'audit')
    const m = reduceReflex(emptyReflex(), audits)
    expect(m.triggers[0]?.triggerId).toBe('trigger:tool_call')
    expect(m.actions[0]).toMatchObject({
      actionType: 'suspend',
      jobId: 'j_000000000002',
      success: true,
      reason: 'NR-E141 Trigger …'
    })
    expect(JSON.stringify(m)).not.toContain('unknown')
  })

  it('learns nothing from the audit wording', () => {
    const reworded = events()
      .filter((e) => e.channel === 'audit')
      .map((e) => ({
        ...e,
        data: { ...e.data, message: 'Reflex throttle on j_999999999999 failed: reworded' }
      }))
    const m = reduceReflex(emptyReflex(), reworded)
    expect(m.actions[0]).toMatchObject({
      actionType: 'suspend',
      jobId: 'j_000000000002',
      success: true,
      reason: 'NR-E141 Trigger …'
    })
    expect(m.held['j_000000000002']).toMatchObject({ state: 'suspended' })
  })

  it('merges triggers by maximum and actions by id with the backend lists', () => {
    const m = reduceReflex(emptyReflex(), events())
    const backendTrigger = {
      triggerId: 'trigger:tool_call',
      errorRate: 0.8,
      errorRateThreshold: 0.5,
      windowSeconds: 60,
      minSamples: 5,
      budgetViolations: 0,
      activationCount: 1,
      lastActivationAt: '2027-01-15T08:00:00.000Z',
      recentEventCount: 5
    }
    expect(mergeTriggers([backendTrigger], m.triggers).map((t) => t.activationCount)).toEqual([1])
    const backendAction = {
      actionId: '7',
      actionType: 'suspend',
      jobId: 'j_000000000002',
      success: true,
      reason: 'x',
      at: '2027-01-15T08:00:00.000Z',
      details: {}
    }
    expect(mergeActions([backendAction], m.actions)).toHaveLength(1)
  })
})

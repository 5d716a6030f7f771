import { describe, expect, it } from 'vitest'
import { BudgetSchema, DEFAULT_BUDGET } from '../../../shared/neurorail'
import { statusOf } from '../../http/errors'
import { checkCost, checkParallelism, checkRetry, checkTokens, timeoutViolation } from './checks'
import { BudgetOverrideSchema, resolveBudget } from './resolve'

describe('budget checks', () => {
  it('parallelism: job limit first, then global, E102 with 429', () => {
    const b = BudgetSchema.parse({ max_parallel_attempts: 2, max_global_parallel: 3 })
    expect(checkParallelism(b, 'j_1', 1, 2)).toBeNull()
    const job = checkParallelism(b, 'j_1', 2, 0)
    expect(job?.error.code).toBe('NR-E102')
    expect(statusOf(job!.error.code)).toBe(429)
    expect(job?.error.error.details).toEqual({
      limit: 2,
      current: 2,
      limit_type: 'job',
      job_id: 'j_1'
    })
    expect(checkParallelism(b, 'j_1', 0, 3)?.error.error.details).toMatchObject({
      limit_type: 'global',
      limit: 3
    })
  })

  it('tokens → E104 and cost → E103 only beyond a set limit', () => {
    expect(checkTokens(DEFAULT_BUDGET, 1e9, 'a_1')).toBeNull()
    const b = BudgetSchema.parse({ max_llm_tokens: 100, max_cost_credits: 1.5 })
    expect(checkTokens(b, 100, 'a_1')).toBeNull()
    expect(checkTokens(b, 101, 'a_1')?.error.error).toMatchObject({
      code: 'NR-E104',
      details: { limit: 100, consumed: 101, cost_type: 'llm_tokens', attempt_id: 'a_1' }
    })
    expect(checkCost(b, 1.5, 'a_1')).toBeNull()
    expect(checkCost(b, 1.6, 'a_1')?.error.error).toMatchObject({
      code: 'NR-E103',
      severity: 'error'
    })
  })

  it('timeout → E100 with grace_period_invoked', () => {
    const v = timeoutViolation(
      BudgetSchema.parse({ timeout_ms: 1000, grace_period_ms: 0 }),
      1003,
      'a_1'
    )
    expect(v.error.error.details).toMatchObject({
      timeout_ms: 1000,
      elapsed_ms: 1003,
      grace_period_invoked: false
    })
    expect(v.error.error.category).toBe('mechanical')
  })

  it('retry → E101 once max_retries are used', () => {
    const b = BudgetSchema.parse({ max_retries: 2 })
    expect(checkRetry(b, 'j_1', 1, [])).toBeNull()
    const hist = [
      { attempt: 1, error: 'boom', error_type: 'NR-E004', retriable: true, elapsed_ms: 12 }
    ]
    expect(checkRetry(b, 'j_1', 2, hist)?.error.error.details).toMatchObject({
      max_retries: 2,
      attempts: 3,
      last_error: 'boom',
      last_error_type: 'NR-E004'
    })
    expect(checkRetry(BudgetSchema.parse({ max_retries: 0 }), 'j_1', 0, [])?.error.code).toBe(
      'NR-E101'
    )
  })
})

describe('budget resolution', () => {
  it('job metadata over manifest rule over §8 defaults', () => {
    const r = resolveBudget(
      { timeout_ms: 500 },
      { budget: { timeout_ms: 9000, max_retries: 1 }, rule_id: 'r1' }
    )
    expect(r.budget).toMatchObject({
      timeout_ms: 500,
      max_retries: 1,
      max_parallel_attempts: 5,
      grace_period_ms: 5000
    })
    expect(r.source).toBe('metadata')
    expect(r.rule_id).toBe('r1')
    expect(resolveBudget(null, { budget: { max_retries: 1 }, rule_id: 'r1' }).source).toBe(
      'manifest'
    )
    expect(resolveBudget(null, null)).toEqual({
      budget: DEFAULT_BUDGET,
      source: 'default',
      rule_id: null
    })
  })

  it('validates overrides without filling defaults', () => {
    expect(BudgetOverrideSchema.parse({ max_retries: 2 })).toEqual({ max_retries: 2 })
    expect(BudgetOverrideSchema.safeParse({ max_retries: 11 }).success).toBe(false)
    expect(BudgetOverrideSchema.safeParse({ timeout: 5 }).success).toBe(false)
  })
})

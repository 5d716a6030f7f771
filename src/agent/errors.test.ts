import { describe, expect, it } from 'vitest'
import { makeNeuroRailError } from '../shared/neurorail'
import {
  BudgetExceededError,
  CircuitOpenError,
  CooldownError,
  errorFromResponse,
  GovernanceError,
  HttpStatusError,
  InvalidTransitionError,
  ParallelismError
} from './errors'

describe('errorFromResponse', () => {
  it('turns a NeuroRail error in `detail` into the typed class of its code', () => {
    const cases: Array<[string, unknown]> = [
      ['NR-E140', CircuitOpenError],
      ['NR-E300', CircuitOpenError],
      ['NR-E006', CooldownError],
      ['NR-E102', ParallelismError],
      ['NR-E103', BudgetExceededError],
      ['NR-E104', BudgetExceededError],
      ['NR-E301', InvalidTransitionError],
      ['NR-E141', GovernanceError]
    ]
    for (const [code, Class] of cases) {
      const detail = makeNeuroRailError(code as 'NR-E140', 'refused', { job_id: 'j_1' })
      const err = errorFromResponse(503, { detail }, 'POST', '/x', 1500)
      expect(err, code).toBeInstanceOf(Class as typeof GovernanceError)
      expect((err as GovernanceError).status).toBe(503)
      expect((err as GovernanceError).retryAfterMs).toBe(1500)
      expect((err as GovernanceError).error.details).toEqual({ job_id: 'j_1' })
      expect(err.retriable).toBe(detail.retriable)
    }
  })

  it('keeps other failures as HttpStatusError with a readable message', () => {
    const validation = errorFromResponse(
      422,
      { detail: [{ loc: ['body', 'job_type'], msg: 'Field required' }] },
      'POST',
      '/identity/job',
      null
    )
    expect(validation).toBeInstanceOf(HttpStatusError)
    expect(validation.message).toContain('Field required')
    expect(validation.retriable).toBe(false)
    const plain = errorFromResponse(500, 'Internal Server Error', 'GET', '/x', null)
    expect(plain).toBeInstanceOf(HttpStatusError)
    expect(plain.retriable).toBe(true)
  })
})

import { describe, expect, it } from 'vitest'
import { Where } from './where'

describe('Where', () => {
  it('is empty without conditions', () => {
    const where = new Where()
      .equals('job_id', undefined)
      .equals('job_id', '')
      .between('ts_ms', null, undefined)
    expect(where.clause()).toBe('')
    expect(where.params).toEqual([])
  })

  it('joins the set filters with AND and keeps their arguments in order', () => {
    const where = new Where()
      .add('seq < ?', 10)
      .equals('job_id', 'j_1')
      .between('ts_ms', '1970-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
    expect(where.clause()).toBe('WHERE seq < ? AND job_id = ? AND ts_ms >= ? AND ts_ms <= ?')
    expect(where.params).toEqual([10, 'j_1', 0, Date.parse('2026-01-01T00:00:00Z')])
  })

  it('adds optional filters only when given, and a keyset bound as one row comparison', () => {
    const where = new Where()
      .optional('state = ?', undefined)
      .optional('state = ?', 'running')
      .pastKey(['created_at', 'entity_id'], '<', ['2026-01-01T00:00:00Z', 'm_1'])
      .pastKey(['seq'], '>', null)
    expect(where.clause()).toBe('WHERE state = ? AND (created_at, entity_id) < (?, ?)')
    expect(where.params).toEqual(['running', '2026-01-01T00:00:00Z', 'm_1'])
    expect(() => new Where().pastKey(['a', 'b'], '>', [1])).toThrow(RangeError)
  })
})

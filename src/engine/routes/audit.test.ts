import { describe, expect, it } from 'vitest'
import {
  AUDIT_ID_PATTERN,
  AuditEventSchema,
  AuditQueryResponseSchema,
  AuditStatsSchema,
  MissionAuditResponseSchema
} from '../../shared/neurorail'
import { createChain } from '../testing/harness'
import { suiteChain, suiteEngine } from '../testing/suite'

describe('audit routes', () => {
  const t = suiteEngine()
  const chain = suiteChain(t)

  it('logs an event (extension) with an aud_ id and a Z timestamp, details round-tripped', async () => {
    const res = await t.api('POST', '/audit/log', {
      mission_id: chain.missionId,
      job_id: chain.jobId,
      event_type: 'execution_start',
      event_category: 'execution',
      message: 'started',
      details: { nested: { a: [1, 2] } },
      caused_by_agent: 'agent-1'
    })
    expect(res.status).toBe(201)
    const ev = AuditEventSchema.parse(res.body)
    expect(ev.audit_id).toMatch(AUDIT_ID_PATTERN)
    expect(ev.timestamp.endsWith('Z')).toBe(true)
    expect(ev.severity).toBe('info')
    expect(ev.details).toEqual({ nested: { a: [1, 2] } })
  })

  it('validates audit writes (422) and does not allow ids or timestamps to be chosen', async () => {
    const bad = await t.api('POST', '/audit/log', {
      event_type: 'x',
      event_category: 'nope',
      message: 'm'
    })
    expect(bad.status).toBe(422)
    const ignored = await t.api('POST', '/audit/log', {
      audit_id: 'aud_000000000000',
      event_type: 'x',
      event_category: 'safety',
      message: 'm'
    })
    expect(ignored.status).toBe(201)
    expect(ignored.body.audit_id).not.toBe('aud_000000000000')
  })

  it('queries with filters, newest first, with total and paging — details never break reads', async () => {
    for (let i = 0; i < 4; i++) {
      await t.api('POST', '/audit/log', {
        mission_id: chain.missionId,
        event_type: 'execution_failure',
        event_category: 'execution',
        severity: i % 2 ? 'error' : 'warning',
        message: `failure ${i}`,
        details: { i }
      })
    }
    const all = AuditQueryResponseSchema.parse(
      (
        await t.api('POST', '/audit/query', {
          mission_id: chain.missionId,
          event_type: 'execution_failure'
        })
      ).body
    )
    expect(all.total).toBe(4)
    expect(all.events.map((e) => e.message)).toEqual([
      'failure 3',
      'failure 2',
      'failure 1',
      'failure 0'
    ])
    const errors = AuditQueryResponseSchema.parse(
      (await t.api('POST', '/audit/query', { mission_id: chain.missionId, severity: 'error' })).body
    )
    expect(errors.events.map((e) => e.details.i)).toEqual([3, 1])
    const page = AuditQueryResponseSchema.parse(
      (
        await t.api('POST', '/audit/query', {
          event_type: 'execution_failure',
          limit: 2,
          offset: 2
        })
      ).body
    )
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 2 })
    expect(page.events.map((e) => e.message)).toEqual(['failure 1', 'failure 0'])
    const future = AuditQueryResponseSchema.parse(
      (await t.api('POST', '/audit/query', { start_time: '2999-01-01T00:00:00' })).body
    )
    expect(future.total).toBe(0)
    expect((await t.api('POST', '/audit/query', { limit: 5000 })).status).toBe(422)
  })

  it('lists a mission’s events and computes stats', async () => {
    const list = MissionAuditResponseSchema.parse(
      (await t.api('GET', `/audit/mission/${chain.missionId}`)).body
    )
    expect(list.length).toBe(5)
    expect(list.every((e) => e.mission_id === chain.missionId)).toBe(true)
    const stats = AuditStatsSchema.parse((await t.api('GET', '/audit/stats')).body)
    expect(stats.total_events).toBe(6)
    expect(stats.events_by_category).toEqual({ execution: 5, safety: 1 })
    expect(stats.events_by_type.execution_failure).toBe(4)
    expect(stats.events_by_severity).toEqual({ info: 2, warning: 2, error: 2 })
    expect(stats.time_range_start).toBe('0001-01-01T00:00:00.000Z')
    const none = AuditStatsSchema.parse(
      (await t.api('GET', '/audit/stats?start_time=2999-01-01T00:00:00Z')).body
    )
    expect(none.total_events).toBe(0)
  })

  it('writes an audit event for every transition and every governor decision', async () => {
    const c = await createChain(t)
    await t.api('POST', `/lifecycle/job/${c.jobId}/transition`, { transition: 'create' })
    await t.api('POST', '/governor/decide', {
      mission_id: c.missionId,
      job_id: c.jobId,
      job_type: 'llm_call'
    })
    const res = AuditQueryResponseSchema.parse(
      (await t.api('POST', '/audit/query', { job_id: c.jobId })).body
    )
    expect(res.events.map((e) => [e.event_type, e.event_category])).toEqual([
      ['governor_decision', 'governance'],
      ['state_transition', 'execution']
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { looseStreamFact, readStreamEvent, streamFact } from './events'

const ev = (channel: string, event_type: string, data: Record<string, unknown>) => ({
  channel,
  event_type,
  timestamp: 1_800_000_000,
  data
})

describe('reading stream events', () => {
  it('passes unknown event types as envelopes without a fact', () => {
    const read = readStreamEvent(ev('metrics', 'tick', { n: 1 }))
    expect(read.ok).toBe(true)
    if (read.ok) expect(streamFact(read.event)).toBeNull()
    expect(
      readStreamEvent({ channel: 'nowhere', event_type: 'x', timestamp: 1, data: {} }).ok
    ).toBe(false)
  })

  it('refuses an envelope whose timestamp no Date can hold (every consumer formats it)', () => {
    expect(readStreamEvent(ev('audit', 'x', {})).ok).toBe(true)
    expect(readStreamEvent({ ...ev('audit', 'x', {}), timestamp: 1_795_413_116.697611 }).ok).toBe(
      true
    )
    const huge = readStreamEvent({ ...ev('reflex', 'circuit_state_changed', {}), timestamp: 1e20 })
    expect(huge).toEqual({ ok: false, error: expect.stringMatching(/timestamp/) })
    expect(readStreamEvent({ ...ev('audit', 'x', {}), timestamp: -1e13 }).ok).toBe(false)
  })

  it('takes no fact from the audit row of a type the catalog does not audit', () => {
    const row = readStreamEvent(
      ev('audit', 'state_transition', { details: { entity_id: 'j_1', to_state: 'running' } })
    )
    expect(row.ok && looseStreamFact(row.event)).toBeNull()
  })

  it('strict facts refuse partial data; loose facts keep what is well typed and drop the rest', () => {
    const partial = readStreamEvent(
      ev('reflex', 'circuit_state_changed', {
        circuit_id: 'c',
        to_state: 'sideways',
        failure_count: 'five'
      })
    )
    if (!partial.ok) throw new Error('envelope refused')
    expect(streamFact(partial.event)).toBeNull()
    expect(looseStreamFact(partial.event)).toEqual({
      channel: 'reflex',
      event_type: 'circuit_state_changed',
      data: { circuit_id: 'c' }
    })
  })

  it('reads a union member field from either member (lifecycle and reflex-job transitions)', () => {
    const reflexJob = readStreamEvent(
      ev('lifecycle', 'state_transition', {
        entity_id: 'j_1',
        to_state: 'suspended',
        cooldown_until: 1_800_000_060
      })
    )
    const lifecycle = readStreamEvent(
      ev('lifecycle', 'state_transition', {
        entity_id: 'm_1',
        entity_type: 'mission',
        timestamp: '2027-01-15T08:00:00Z'
      })
    )
    if (!reflexJob.ok || !lifecycle.ok) throw new Error('envelope refused')
    expect(looseStreamFact(reflexJob.event)?.data).toMatchObject({
      entity_id: 'j_1',
      cooldown_until: 1_800_000_060
    })
    expect(looseStreamFact(lifecycle.event)?.data).toMatchObject({
      entity_type: 'mission',
      timestamp: '2027-01-15T08:00:00Z'
    })
  })
})

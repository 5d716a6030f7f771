import { describe, expect, it } from 'vitest'
import { useStore } from './index'
import type { LiveEvent } from '../lib/live/types'

function ev(
  i: number,
  channel: LiveEvent['channel'],
  event_type: string,
  data: Record<string, unknown>
): LiveEvent {
  return { id: `e${i}`, channel, event_type, timestamp: 1_800_000_000 + i / 1000, data }
}

describe('store ingest', () => {
  it('folds one batch into live, reflex, budget and lifecycle slices with one update', () => {
    useStore.getState().resetLive()
    useStore.getState().setLifecycleCounts({ job: { running: 3, succeeded: 0 } })
    let updates = 0
    const off = useStore.subscribe(() => updates++)
    useStore.getState().ingest(
      [
        ev(1, 'lifecycle', 'state_transition', {
          entity_id: 'j_0123456789ab',
          from_state: 'running',
          to_state: 'succeeded'
        }),
        ev(2, 'reflex', 'circuit_state_changed', {
          circuit_id: 'c',
          to_state: 'open',
          failure_count: 5,
          success_count: 0
        }),
        ev(3, 'enforcement', 'cost_tracked', { llm_tokens: 10, cost: 1 })
      ],
      1_800_000_001_000
    )
    off()
    const s = useStore.getState()
    expect(updates).toBe(1)
    expect(s.totalEvents).toBe(3)
    expect(s.recentEvents).toHaveLength(3)
    expect(s.lifecycleCounts?.job).toEqual({ running: 2, succeeded: 1 })
    expect(s.reflex.circuits.c?.state).toBe('open')
    expect(s.budget.totals.tokens).toBe(10)
    expect(s.transitions[0]?.to).toBe('succeeded')
  })
})

describe('live feed', () => {
  it('survives an environment switch (resetLive re-enters the store listener)', async () => {
    const { startLiveFeed } = await import('../lib/transport/liveFeed')
    const calls: string[] = []
    const fake = {
      onEvents: () => () => undefined,
      subscribeEvents: async () => {
        calls.push('subscribe')
        return { subscriptionId: `s${calls.length}` }
      },
      unsubscribeEvents: async () => ({ removed: true })
    } as unknown as Parameters<typeof startLiveFeed>[0]
    const base = {
      status: 'live' as const,
      since: '',
      lastDataAt: null,
      dataAgeMs: null,
      message: null,
      capabilities: { engine: null, features: [] },
      role: null
    }
    useStore.getState().setConnection({ ...base, environmentId: 'local' })
    const stop = startLiveFeed(fake)
    useStore
      .getState()
      .ingest([{ id: 'x', channel: 'metrics', event_type: 't', timestamp: 1, data: {} }])
    useStore.getState().setConnection({ ...base, environmentId: 'prod' })
    expect(useStore.getState().totalEvents).toBe(0)
    await new Promise((r) => setTimeout(r, 0))
    stop()
    expect(calls.length).toBeGreaterThanOrEqual(2)
  })
})

import { describe, expect, it } from 'vitest'
import { STATE_MACHINES } from '../../../../shared/neurorail/state-machines'
import { paletteEntries } from '../../components/CommandPalette'
import { layoutMachine } from '../../pages/lifecycle/layout'
import { mergeCircuits, mergeHeld } from '../../pages/reflex/merge'
import { circuitFromChange } from '../../../../shared/console/governance-mapper'
import type { CircuitState } from '../../../../shared/neurorail/governance'
import { activePending } from '../format/lifecycleCounts'

describe('paletteEntries', () => {
  it('puts a pasted id first and links it to its trace', () => {
    const [first] = paletteEntries(' j_0123456789ab ')
    expect(first).toMatchObject({
      label: 'Open trace of job j_0123456789ab',
      hash: '#/traces/j_0123456789ab'
    })
  })
  it('follows controldeck:// links and matches pages by name or purpose', () => {
    expect(paletteEntries('controldeck://trace/a_00000000000a')[0]?.hash).toBe(
      '#/traces/a_00000000000a'
    )
    expect(paletteEntries('circuit').map((e) => e.hash)).toContain('#/reflex')
    expect(paletteEntries('')).toHaveLength(9)
  })
  it('offers an audit search for anything else', () => {
    expect(paletteEntries('timeout at night').at(-1)?.hash).toBe('#/audit?text=timeout+at+night')
  })
  it('completes ids and job types from the cache, then matching actions', () => {
    const ran: string[] = []
    const actions = [
      { key: 'live', label: 'Pause live updates', run: () => ran.push('pause') },
      { key: 'env:dev', label: 'Switch environment to Dev', run: () => ran.push('dev') }
    ]
    const suggestions = {
      entities: [
        {
          entityId: 'j_0123456789ab',
          entityType: 'job' as const,
          state: 'running',
          hint: 'llm_call'
        }
      ],
      jobTypes: ['llm_call']
    }
    const entries = paletteEntries('j_', suggestions, actions)
    expect(entries[0]).toMatchObject({
      label: 'Open trace of job j_0123456789ab (llm_call, running)',
      hash: '#/traces/j_0123456789ab'
    })
    expect(entries[1]).toMatchObject({
      label: 'Jobs of type llm_call',
      hash: '#/traces?kind=jobs&jobType=llm_call'
    })
    const pause = paletteEntries('pause live', null, actions)
    expect(pause.map((e) => e.label)).toEqual([
      'Pause live updates',
      'Search the audit log for “pause live”'
    ])
    pause[0]?.run?.()
    expect(ran).toEqual(['pause'])
    expect(paletteEntries('switch', null, actions).map((e) => e.key)).toContain('action:env:dev')
  })
})

describe('activePending', () => {
  it('splits counts by the state machine', () => {
    expect(
      activePending('job', {
        pending: 2,
        ready: 1,
        running: 3,
        failed_mechanical: 1,
        succeeded: 5,
        timeout: 1
      })
    ).toEqual({
      pending: 2,
      active: 5,
      total: 13,
      failed: 2,
      awaitingRetry: 1,
      givenUp: null
    })
  })
  it('does not count given-up jobs as active or awaiting retry', () => {
    // After the demo agents: nothing runs, seven jobs wait in failed_mechanical, six given up.
    const jobs = activePending(
      'job',
      { failed_mechanical: 7, succeeded: 1, timeout: 3 },
      { failed_mechanical: 6 }
    )
    expect(jobs).toMatchObject({ active: 1, awaitingRetry: 1, givenUp: 6, failed: 10, total: 11 })
    expect(activePending('job', { failed_mechanical: 7 }, {})).toMatchObject({
      active: 7,
      awaitingRetry: 7,
      givenUp: 0
    })
    // Live counts may run behind the backend's figures: never below zero.
    expect(
      activePending('job', { failed_mechanical: 1, ready: 1 }, { failed_mechanical: 3, ready: 1 })
    ).toMatchObject({
      active: 0,
      awaitingRetry: 0,
      givenUp: 2
    })
  })
})

describe('layoutMachine', () => {
  it('places every state once, the initial one first, columns by distance', () => {
    const layout = layoutMachine(STATE_MACHINES.mission)
    expect(layout).toHaveLength(STATE_MACHINES.mission.states.length)
    expect(layout[0]).toEqual({ state: 'pending', col: 0, row: 0 })
    expect(layout.find((p) => p.state === 'completed')?.col).toBe(4)
  })
})

describe('reflex merge', () => {
  const backend = {
    circuitId: 'c1',
    state: 'closed' as const,
    failureCount: 0,
    successCount: 3,
    totalCalls: 10,
    totalFailures: 2,
    totalSuccesses: 8,
    openCount: 1,
    failureThreshold: 5,
    recoveryTimeoutMs: 30_000,
    lastFailureAt: null,
    lastStateChangeAt: '2026-01-01T00:00:00.000Z'
  }
  const liveCircuit = (id: string, state: CircuitState, failures: number, atMs: number) => ({
    ...circuitFromChange(
      { circuit_id: id, to_state: state, failure_count: failures, success_count: 0 },
      atMs,
      null
    ),
    changes: 1
  })
  it('lets a newer live change win and sorts open circuits first', () => {
    const live = {
      c1: liveCircuit('c1', 'open', 5, Date.parse('2026-01-01T00:01:00Z')),
      c0: liveCircuit('c0', 'closed', 0, 0)
    }
    const cards = mergeCircuits([backend], live)
    expect(cards.map((c) => [c.circuitId, c.state])).toEqual([
      ['c1', 'open'],
      ['c0', 'closed']
    ])
    expect(cards[0]?.openCount).toBe(1)
  })
  it('keeps the backend when its change is newer and computes half-open from its timeout', () => {
    const open = { ...backend, state: 'open' as const }
    const stale = { c1: liveCircuit('c1', 'closed', 0, 0) }
    const [card] = mergeCircuits([open], stale)
    expect(card?.state).toBe('open')
    expect(card?.halfOpenAt).toBe(Date.parse('2026-01-01T00:00:30Z'))
  })
  it('lists only suspended and throttled jobs', () => {
    const jobs = [
      {
        jobId: 'j_a',
        state: 'suspended',
        cooldownUntil: null,
        cooldownActive: false,
        suspendCount: 1,
        throttleCount: 0
      },
      {
        jobId: 'j_b',
        state: 'running',
        cooldownUntil: null,
        cooldownActive: false,
        suspendCount: 0,
        throttleCount: 0
      }
    ]
    expect(mergeHeld(jobs, {}).map((h) => h.jobId)).toEqual(['j_a'])
  })
})

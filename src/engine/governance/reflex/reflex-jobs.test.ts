import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { statusOf } from '../../http/errors'
import { systemClock } from '../../clock'
import { isGovernanceError } from '../errors'
import { fakeTimersFrom } from '../testing'
import type { ReflexJobState } from './job-fsm'
import type { ReflexTransition } from './reflex-jobs'
import { ReflexJobs } from './reflex-jobs'

const START = '2026-11-23T08:00:00Z'
const T0 = Date.parse(START)

function refusal(fn: () => void): { code: string; status: number; retryAfterMs: number | null } {
  try {
    fn()
  } catch (err) {
    if (isGovernanceError(err))
      return { code: err.code, status: statusOf(err.code), retryAfterMs: err.retryAfterMs }
    throw err
  }
  throw new Error('expected a refusal')
}

describe('ReflexJobs (reflex FSM + cooldowns)', () => {
  let jobs: ReflexJobs
  let seen: ReflexTransition[]
  fakeTimersFrom(START)
  beforeEach(() => {
    jobs = new ReflexJobs(systemClock)
    seen = []
    jobs.onTransition((t) => seen.push(t))
  })
  afterEach(() => jobs.close())

  /** Moves j_1 through `states` in order. */
  const walk = (...states: ReflexJobState[]): void => {
    for (const state of states) jobs.transition('j_1', state, 'x')
  }
  /** Lets `ms` pass, then reads j_1's state. */
  const stateAfter = (ms: number): string | undefined => {
    vi.advanceTimersByTime(ms)
    return jobs.get('j_1')?.current_state
  }

  it('a suspended job is refused with NR-E006 for 60 s, then resumes by itself', () => {
    jobs.transition('j_1', 'running', 'job_started')
    jobs.transition('j_1', 'suspended', 'trigger')
    expect(jobs.get('j_1')?.cooldown_until).toBe((T0 + 60_000) / 1000)
    expect(refusal(() => jobs.assertMayRun('j_1'))).toEqual({
      code: 'NR-E006',
      status: 409,
      retryAfterMs: 60_000
    })
    vi.advanceTimersByTime(59_999)
    expect(refusal(() => jobs.assertMayRun('j_1')).retryAfterMs).toBe(1)
    vi.advanceTimersByTime(1)
    expect(() => jobs.assertMayRun('j_1')).not.toThrow()
    expect(jobs.get('j_1')).toMatchObject({
      current_state: 'running',
      cooldown_until: null,
      suspend_count: 1
    })
    expect(seen.map((t) => [t.from_state, t.to_state, t.reason])).toEqual([
      [null, 'running', 'job_started'],
      ['running', 'suspended', 'trigger'],
      ['suspended', 'running', 'cooldown_elapsed']
    ])
  })

  it('a throttled job cools down for 30 s', () => {
    walk('running', 'throttled')
    expect(stateAfter(29_999)).toBe('throttled')
    expect(stateAfter(1)).toBe('running')
  })

  it('throttled → suspended replaces the cooldown with the longer one', () => {
    walk('running', 'throttled')
    vi.advanceTimersByTime(20_000)
    walk('suspended')
    expect(stateAfter(30_000)).toBe('suspended')
    expect(stateAfter(30_000)).toBe('running')
  })

  it('an explicit resume cancels the pending cooldown timer', () => {
    jobs.transition('j_1', 'running', 'x')
    jobs.transition('j_1', 'suspended', 'x', 10_000)
    jobs.transition('j_1', 'running', 'operator_resume')
    vi.advanceTimersByTime(10_000)
    expect(seen).toHaveLength(3)
  })

  it('refuses moves the reflex machine forbids with NR-E143', () => {
    walk('running', 'completed')
    expect(refusal(() => jobs.transition('j_1', 'running', 'x')).code).toBe('NR-E143')
    // suspended is not reachable from pending.
    expect(refusal(() => jobs.transition('j_2', 'suspended', 'x')).code).toBe('NR-E143')
    expect(jobs.tryTransition('j_1', 'running', 'x')).toBeNull()
  })

  it('unknown jobs and jobs out of cooldown may run', () => {
    expect(() => jobs.assertMayRun('j_unknown')).not.toThrow()
    jobs.transition('j_1', 'running', 'x')
    expect(() => jobs.assertMayRun('j_1')).not.toThrow()
  })

  it('restores persisted cooldowns and resumes when they end', () => {
    walk('running', 'suspended')
    const snap = jobs.get('j_1')
    jobs.close()
    vi.advanceTimersByTime(40_000)
    const again = new ReflexJobs(systemClock)
    if (!snap) throw new Error('no snapshot')
    again.restore(snap)
    expect(refusal(() => again.assertMayRun('j_1')).retryAfterMs).toBe(20_000)
    vi.advanceTimersByTime(20_000)
    expect(again.get('j_1')?.current_state).toBe('running')
    again.close()
  })

  it('keeps held jobs and a bounded LRU of the others in memory, reading dropped ones back', () => {
    const stored = new Map<string, ReturnType<ReflexJobs['get']>>()
    const bounded = new ReflexJobs(systemClock, {
      recentKept: 3,
      load: (id) => stored.get(id) ?? null
    })
    bounded.onTransition((t) => stored.set(t.job_id, bounded.get(t.job_id)))
    bounded.transition('j_held', 'running', 'x')
    bounded.transition('j_held', 'suspended', 'x')
    for (let i = 0; i < 10; i++) {
      bounded.transition(`j_${i}`, 'running', 'x')
      bounded.transition(`j_${i}`, 'completed', 'x')
    }
    // 3 recent plus the held one, however many jobs went through.
    expect(bounded.memorySize).toBe(4)
    expect(bounded.peek('j_0')).toBeNull()
    expect(refusal(() => bounded.assertMayRun('j_held')).code).toBe('NR-E006')
    expect(bounded.listHeld().map((j) => j.job_id)).toEqual(['j_held'])
    // A dropped record comes back from the store with its state: a completed job stays completed.
    expect(bounded.get('j_0')).toMatchObject({ current_state: 'completed', transition_count: 2 })
    expect(refusal(() => bounded.transition('j_0', 'running', 'x')).code).toBe('NR-E143')
    expect(bounded.memorySize).toBe(4)
    // When the cooldown ends the job leaves the held set for the LRU.
    vi.advanceTimersByTime(60_000)
    expect(bounded.listHeld()).toEqual([])
    expect(bounded.get('j_held')?.current_state).toBe('running')
    bounded.close()
  })
})

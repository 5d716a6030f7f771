import { describe, expect, it } from 'vitest'
import type { UpdateState } from '../../../shared/console/domains/app'
import { nextUpdateState, type UpdaterEvent } from './update-machine'

function run(start: UpdateState, events: UpdaterEvent[]): UpdateState {
  return events.reduce(nextUpdateState, start)
}

const idle: UpdateState = { status: 'idle', lastCheckedAt: null }

describe('nextUpdateState', () => {
  it('walks a found update from the check to ready', () => {
    const states: UpdateState[] = []
    let state: UpdateState = idle
    for (const event of [
      { type: 'checking' },
      { type: 'available', version: '0.2.0' },
      { type: 'progress', percent: 40 },
      { type: 'progress', percent: 100 },
      { type: 'downloaded', version: '0.2.0' }
    ] as UpdaterEvent[]) {
      state = nextUpdateState(state, event)
      states.push(state)
    }
    expect(states.map((s) => s.status)).toEqual([
      'checking',
      'available',
      'downloading',
      'downloading',
      'ready'
    ])
    expect(states[2]).toEqual({ status: 'downloading', version: '0.2.0', percent: 40 })
    expect(state).toEqual({ status: 'ready', version: '0.2.0' })
  })

  it('reports nothing newer as idle with the time of the check', () => {
    expect(
      run(idle, [{ type: 'checking' }, { type: 'not-available', at: '2026-12-06T00:00:00.000Z' }])
    ).toEqual({
      status: 'idle',
      lastCheckedAt: '2026-12-06T00:00:00.000Z'
    })
  })

  it('keeps a ready update whatever later checks say, so the restart stays offered', () => {
    const ready: UpdateState = { status: 'ready', version: '0.2.0' }
    expect(
      run(ready, [
        { type: 'checking' },
        { type: 'not-available', at: 'x' },
        { type: 'error', message: 'offline' }
      ])
    ).toEqual(ready)
    expect(run(ready, [{ type: 'downloaded', version: '0.3.0' }])).toEqual({
      status: 'ready',
      version: '0.3.0'
    })
  })

  it('ignores every event while disabled', () => {
    const disabled: UpdateState = { status: 'disabled', reason: 'development build' }
    expect(run(disabled, [{ type: 'checking' }, { type: 'downloaded', version: '9.9.9' }])).toEqual(
      disabled
    )
  })

  it('does not let a periodic check hide a running download', () => {
    const downloading: UpdateState = { status: 'downloading', version: '0.2.0', percent: 10 }
    expect(run(downloading, [{ type: 'checking' }, { type: 'not-available', at: 'x' }])).toEqual(
      downloading
    )
  })

  it('bounds what the updater reports: percent clamped, messages one line of at most 500 characters', () => {
    const available: UpdateState = { status: 'available', version: '0.2.0' }
    expect(nextUpdateState(available, { type: 'progress', percent: 250 })).toMatchObject({
      percent: 100
    })
    expect(nextUpdateState(available, { type: 'progress', percent: Number.NaN })).toMatchObject({
      percent: 0
    })
    const error = nextUpdateState(idle, { type: 'error', message: `line one\n${'x'.repeat(2000)}` })
    expect(error.status).toBe('error')
    if (error.status === 'error') {
      expect(error.message.length).toBeLessThanOrEqual(500)
      expect(error.message).not.toContain('\n')
    }
  })

  it('ignores progress that belongs to no download', () => {
    expect(nextUpdateState(idle, { type: 'progress', percent: 50 })).toEqual(idle)
  })
})

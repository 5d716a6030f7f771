import { describe, expect, it } from 'vitest'
import type { ConsoleEventMessage } from '../../../shared/console/ipc'
import { EventBatcher, type BatchClock } from './event-batcher'

/** A clock that only moves when the test says so; timers run in due order. */
function manualClock() {
  let now = 0
  let nextId = 1
  const timers = new Map<number, { at: number; run: () => void }>()
  const clock: BatchClock = {
    now: () => now,
    setTimeout(run, ms) {
      const id = nextId++
      timers.set(id, { at: now + ms, run })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    }
  }
  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  function advance(ms: number): void {
    const end = now + ms
    for (;;) {
      const due = [...timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      timers.delete(due[0])
      now = Math.max(now, due[1].at)
      due[1].run()
    }
    now = end
  }
  return { clock, advance, pendingTimers: () => timers.size }
}

function setup(options: { maxBytes?: number; maxBacklogBytes?: number } = {}) {
  const { clock, advance, pendingTimers } = manualClock()
  const pushes: { at: number; batch: ConsoleEventMessage[] }[] = []
  const batcher = new EventBatcher((batch) => pushes.push({ at: clock.now(), batch }), {
    intervalMs: 16,
    clock,
    ...options
  })
  return { batcher, pushes, advance, pendingTimers }
}

describe('EventBatcher', () => {
  it('sends a lone event on the next tick, not a frame later', () => {
    const { batcher, pushes, advance } = setup()
    batcher.add('onConnectionState', { status: 'live' })
    expect(pushes).toHaveLength(0)
    advance(0)
    expect(pushes).toEqual([{ at: 0, batch: [['onConnectionState', { status: 'live' }]] }])
  })

  it('coalesces a burst into one push per interval, in order', () => {
    const { batcher, pushes, advance } = setup()
    for (let n = 0; n < 100; n++) batcher.add('onRunOutput', { n })
    advance(0)
    // Added while the first push was waiting for its interval: they leave together, 16 ms later.
    for (let n = 100; n < 250; n++) {
      batcher.add('onRunOutput', { n })
      advance(1)
    }
    advance(100)
    const gaps = pushes.slice(1).map((p, i) => p.at - (pushes[i] as { at: number }).at)
    expect(gaps.every((gap) => gap >= 16)).toBe(true)
    expect(pushes.length).toBeLessThanOrEqual(Math.ceil(150 / 16) + 2)
    const order = pushes.flatMap((p) => p.batch.map(([, payload]) => (payload as { n: number }).n))
    expect(order).toEqual(Array.from({ length: 250 }, (_, n) => n))
  })

  it('keeps each push within the byte budget; a larger event goes alone', () => {
    const { batcher, pushes, advance } = setup({ maxBytes: 1_000 })
    for (let n = 0; n < 30; n++) batcher.add('onEvents', { n, pad: 'x'.repeat(80) })
    batcher.add('onEvents', { n: 30, pad: 'y'.repeat(5_000) })
    batcher.add('onEvents', { n: 31 })
    advance(1_000)
    for (const { batch } of pushes) {
      expect(batch.length === 1 || JSON.stringify(batch).length <= 1_000).toBe(true)
    }
    expect(
      pushes.some((p) => p.batch.length === 1 && (p.batch[0]?.[1] as { n: number }).n === 30)
    ).toBe(true)
    const order = pushes.flatMap((p) => p.batch.map(([, payload]) => (payload as { n: number }).n))
    expect(order).toEqual(Array.from({ length: 32 }, (_, n) => n))
    // One push per interval even while a backlog drains.
    const gaps = pushes.slice(1).map((p, i) => p.at - (pushes[i] as { at: number }).at)
    expect(gaps.every((gap) => gap >= 16)).toBe(true)
  })

  it('keeps one push per frame under a backlog, dropping the oldest live events and nothing else', () => {
    const { batcher, pushes, advance } = setup({ maxBytes: 1_000, maxBacklogBytes: 3_000 })
    batcher.add('onConnectionState', { first: true })
    for (let n = 0; n < 100; n++) batcher.add('onEvents', { n, pad: 'x'.repeat(80) })
    advance(0)
    // One push in the first frame; the backlog was cut to its bound, oldest live events first.
    expect(pushes).toHaveLength(1)
    expect(batcher.dropped).toBeGreaterThan(0)
    advance(1_000)
    const names = pushes.flatMap((p) => p.batch.map(([name]) => name))
    expect(names[0]).toBe('onConnectionState')
    const order = pushes.flatMap((p) =>
      p.batch
        .filter(([name]) => name === 'onEvents')
        .map(([, payload]) => (payload as { n: number }).n)
    )
    expect(order).toEqual(Array.from({ length: 100 }, (_, n) => n).slice(batcher.dropped))
    const times = pushes.map((p) => p.at)
    expect(times.slice(1).every((t, i) => t - (times[i] as number) >= 16)).toBe(true)
  })

  it('drops the oldest live events of a flood one by one, asking once per message (no rescans)', () => {
    const { clock, advance } = manualClock()
    const pushes: ConsoleEventMessage[][] = []
    let asked = 0
    const state: ConsoleEventMessage = ['onConnectionState', { status: 'live' }]
    const event = (n: number): ConsoleEventMessage => ['onEvents', { n }]
    const bytes = (m: ConsoleEventMessage) => JSON.stringify(m).length + 1
    // Room for the state change and exactly 9 events (n has 4 digits: all events are one size).
    const batcher = new EventBatcher((batch) => pushes.push(batch), {
      intervalMs: 16,
      maxBytes: 100_000,
      maxBacklogBytes: bytes(state) + 9 * bytes(event(1000)),
      droppable: (name) => {
        asked++
        return name === 'onEvents'
      },
      clock
    })
    batcher.add(...state)
    for (let n = 1000; n < 6000; n++) batcher.add(...event(n))
    expect(batcher.dropped).toBe(4991)
    expect(batcher.pending).toBe(10)
    // Before: every add past the bound asked about every queued message again (~50,000 times).
    expect(asked).toBe(5001)
    advance(0)
    expect(pushes).toEqual([[state, ...Array.from({ length: 9 }, (_, i) => event(5991 + i))]])
    // After a push, a second flood interleaved with state changes: those are never dropped and
    // keep their place among the events that remain.
    for (let n = 6000; n < 9000; n++) {
      batcher.add(...event(n))
      if (n % 1000 === 0) batcher.add('onConnectionState', { n })
    }
    advance(16)
    // Three state changes (34 bytes each) leave room for 6 events (24 bytes) under the bound.
    expect(pushes[1]).toEqual([
      ['onConnectionState', { n: 6000 }],
      ['onConnectionState', { n: 7000 }],
      ['onConnectionState', { n: 8000 }],
      ...Array.from({ length: 6 }, (_, i) => event(8994 + i))
    ])
    expect(batcher.dropped).toBe(4991 + 2994)
    expect(asked).toBe(5001 + 3003)
    expect(batcher.pending).toBe(0)
  })

  it('keeps sending what is queued after a push that threw', () => {
    const { clock, advance } = manualClock()
    const sent: ConsoleEventMessage[][] = []
    let throwNext = true
    const batcher = new EventBatcher(
      (batch) => {
        if (throwNext) {
          throwNext = false
          throw new Error('window gone')
        }
        sent.push(batch)
      },
      { intervalMs: 16, maxBytes: 40, clock }
    )
    batcher.add('onDeepLink', { path: 'first' })
    batcher.add('onDeepLink', { path: 'second' })
    expect(() => advance(0)).toThrow('window gone')
    advance(100)
    expect(sent).toEqual([[['onDeepLink', { path: 'second' }]]])
  })

  it('drops what is queued on close and ignores later events', () => {
    const { batcher, pushes, advance, pendingTimers } = setup()
    batcher.add('onDeepLink', { path: 'a' })
    batcher.close()
    batcher.add('onDeepLink', { path: 'b' })
    advance(100)
    expect(pushes).toEqual([])
    expect(pendingTimers()).toBe(0)
  })
})

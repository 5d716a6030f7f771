import { describe, expect, it } from 'vitest'
import type { LiveEvent } from '../../../shared/console/domains/live'
import {
  compileStreamFilter as compileFilter,
  matchesStreamEvent as matchesFilter
} from '../../../shared/neurorail/stream-filter'
import { findTooDeep } from '../../../shared/json-depth'
import { MAX_EVENT_DEPTH } from '../../../shared/neurorail/limits'
import { MAX_FRAME_DEPTH, parseFrame, TOO_DEEP_MARKER } from './frame'
import { chunkForPush } from './push-chunks'
import { RecentIds } from './recent-ids'
import { EventSequencer } from './sequencer'

const event = (id: string, data: Record<string, unknown> = {}): LiveEvent => ({
  id,
  channel: 'lifecycle',
  event_type: 'state_transition',
  timestamp: 1,
  data
})

describe('parseFrame', () => {
  it('accepts a stream event and sorts garbage by reason', () => {
    expect(
      parseFrame('{"id":"1","channel":"audit","event_type":"x","timestamp":1.5,"data":{"a":1}}')
    ).toMatchObject({
      ok: true,
      event: { id: '1', channel: 'audit', data: { a: 1 } }
    })
    expect(
      parseFrame('{"channel":"audit","event_type":"x","timestamp":1,"data":null}')
    ).toMatchObject({ ok: true, event: { data: {} } })
    expect(parseFrame('{nope')).toEqual({ ok: false, reason: 'not_json' })
    expect(parseFrame('{"channel":"mars","event_type":"x","timestamp":1,"data":{}}')).toEqual({
      ok: false,
      reason: 'invalid'
    })
    expect(parseFrame('null')).toEqual({ ok: false, reason: 'invalid' })
    expect(parseFrame(`{"data":${'['.repeat(MAX_FRAME_DEPTH + 1)}`)).toEqual({
      ok: false,
      reason: 'not_json'
    })
    expect(parseFrame(`"${'x'.repeat(1024 * 1024 + 1)}"`)).toEqual({
      ok: false,
      reason: 'too_large'
    })
  })

  it('keeps an event nested deeper than the limit, its deep part replaced by a marker', () => {
    const deep = `${'{"d":'.repeat(5000)}1${'}'.repeat(5000)}`
    const result = parseFrame(
      `{"id":"9","channel":"audit","event_type":"deep","timestamp":1,"data":{"details":${deep},"ok":true}}`
    )
    expect(result).toMatchObject({
      ok: true,
      truncated: true,
      event: { id: '9', data: { ok: true } }
    })
    if (!result.ok) return
    expect(findTooDeep(JSON.stringify(result.event), MAX_EVENT_DEPTH)).toBeNull()
    expect(findTooDeep(JSON.stringify(result.event), MAX_EVENT_DEPTH - 1)).not.toBeNull()
    expect(JSON.stringify(result.event)).toContain(TOO_DEEP_MARKER)
    const atLimit = `{"channel":"audit","event_type":"x","timestamp":1,"data":${'{"d":'.repeat(MAX_EVENT_DEPTH - 1)}1${'}'.repeat(MAX_EVENT_DEPTH - 1)}}`
    expect(parseFrame(atLimit)).toMatchObject({ ok: true, truncated: false })
  })

  it('measures depth outside strings only', () => {
    expect(findTooDeep('{"a":"[[[[{{{{"}', 1)).toBeNull()
    expect(findTooDeep('{"a":"\\"[["}', 1)).toBeNull()
    expect(findTooDeep('[[[]],[[[]]]]', 4)).toBeNull()
    expect(findTooDeep('[[[]],[[[]]]]', 3)).not.toBeNull()
  })
})

describe('EventSequencer', () => {
  it('resumes from the last id delivered, not the largest, and drops only ids this log delivered', () => {
    const s = new EventSequencer({ id: '5', epoch: 'e1' })
    expect([s.lastEventId, s.epoch]).toEqual(['5', 'e1'])
    // The resume point is not a watermark: ids at or below it are events it has not delivered.
    expect(s.accept('3')).toBe('3')
    expect(s.accept('3')).toBeNull()
    // One absurd id from a misbehaving backend does not silence what follows.
    expect(s.accept('999999999999999')).toBe('999999999999999')
    expect(s.accept('6')).toBe('6')
    expect(s.lastEventId).toBe('6')
  })

  it('forgets what it delivered when the log changes, and across connections when the log is unnamed', () => {
    const s = new EventSequencer({ id: '7', epoch: 'e1' })
    s.opened({ epoch: 'e1', resume: 'resumed', after: '7', last_id: '9', gap: null, message: null })
    expect(s.accept('8')).toBe('8')
    s.connecting()
    s.opened({ epoch: 'e1', resume: 'resumed', after: '8', last_id: '9', gap: null, message: null })
    // Same log: a replayed 8 is a duplicate.
    expect(s.accept('8')).toBeNull()
    // The engine restarted on a fresh database: 8 is a new event there.
    s.connecting()
    s.opened({ epoch: 'e2', resume: 'reset', after: '0', last_id: '3', gap: null, message: null })
    expect([s.lastEventId, s.epoch]).toEqual(['0', 'e2'])
    expect(s.accept('1')).toBe('1')
    expect(s.accept('8')).toBe('8')
    // A rollback within the epoch (reset) forgets as well.
    s.opened({ epoch: 'e3', resume: 'reset', after: '1', last_id: '1', gap: null, message: null })
    expect(s.accept('8')).toBe('8')

    // No epoch (a plain SSE server): memory spans one connection only.
    const plain = new EventSequencer(null)
    plain.connecting()
    expect(plain.accept('a')).toBe('a')
    expect(plain.accept('a')).toBeNull()
    plain.connecting()
    expect(plain.accept('a')).toBe('a')
    expect(plain.epoch).toBeNull()
  })

  it('dedups string ids and invents unique local ids for id-less frames', () => {
    const s = new EventSequencer({ id: 'local:x:1', epoch: null })
    expect(s.lastEventId).toBeNull()
    expect(s.accept('evt-a')).toBe('evt-a')
    expect(s.accept('evt-a')).toBeNull()
    const a = s.accept(undefined)
    const b = s.accept('')
    expect(a).toMatch(/^local:/)
    expect(b).not.toBe(a)
    expect(new EventSequencer(null).accept(undefined)).not.toBe(a)
    // Polled audit ids are deduped but never become the Last-Event-ID.
    expect(s.accept('audit:aud_1')).toBe('audit:aud_1')
    expect(s.accept('audit:aud_1')).toBeNull()
    expect(s.lastEventId).toBe('evt-a')
  })
})

describe('filters', () => {
  it('matches channel, type and entity fields, treating `all` and empty lists as no restriction', () => {
    const e = event('1', { job_id: 'j_1' })
    expect(matchesFilter(compileFilter({ channels: ['all'] }), e)).toBe(true)
    expect(matchesFilter(compileFilter({ channels: [] }), e)).toBe(true)
    expect(matchesFilter(compileFilter({ channels: ['audit'] }), e)).toBe(false)
    expect(
      matchesFilter(compileFilter({ eventTypes: ['state_transition'], entityIds: ['j_1'] }), e)
    ).toBe(true)
    expect(matchesFilter(compileFilter({ entityIds: ['j_2'] }), e)).toBe(false)
    expect(
      matchesFilter(compileFilter({ entityIds: ['1'] }), event('1', { job_id: 1 })),
      'non-string ids never match'
    ).toBe(false)
  })
})

describe('chunkForPush', () => {
  it('splits matching events into payloads within the byte budget, in order', () => {
    const all = Array.from({ length: 600 }, (_, i) => event(String(i + 1), { pad: 'p'.repeat(50) }))
    const chunks = chunkForPush(all, 8 * 1024)
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks.flatMap((c) => c.events.map((e) => e.id))).toEqual(all.map((e) => e.id))
    expect(
      chunks.every(
        (c) => JSON.stringify({ subscriptionId: 'x', events: c.events }).length <= 8 * 1024
      )
    ).toBe(true)
  })

  it('sends an event that alone exceeds the budget as an envelope with its size', () => {
    const [chunk] = chunkForPush([
      event('1', { big: 'q'.repeat(100_000) }),
      event('2', { ok: true })
    ])
    expect(chunk?.events.map((e) => e.data)).toEqual([
      { _truncated: true, _bytes: expect.any(Number) },
      { ok: true }
    ])
  })

  it('sends an event that cannot be serialized as an envelope instead of throwing', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`) as Record<
      string,
      unknown
    >
    const chunks = chunkForPush([event('1', deep), event('2', { ok: true })], 64 * 1024)
    expect(chunks.flatMap((c) => c.events.map((e) => e.data))).toEqual([
      { _truncated: true },
      { ok: true }
    ])
  })
})

describe('RecentIds', () => {
  it('forgets the oldest beyond its capacity, ignores repeats, and clears', () => {
    const r = new RecentIds(3)
    for (const id of ['a', 'b', 'a', 'c', 'd']) r.add(id)
    expect(['a', 'b', 'c', 'd'].map((id) => r.has(id))).toEqual([false, true, true, true])
    r.clear()
    expect(r.has('d')).toBe(false)
    r.add('x')
    expect(r.has('x')).toBe(true)
  })
})

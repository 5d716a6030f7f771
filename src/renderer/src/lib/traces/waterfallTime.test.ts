import { describe, expect, it } from 'vitest'
import type { TraceNode } from '../../../../shared/console/domains/data'
import { criticalPath, type PathEntity } from './criticalPath'
import { clampWindow, formatOffset, panWindow, ticksOf, zoomWindow } from '../format/timeAxis'
import { matchesQuery, matchIndex, stepMatch } from './traceSearch'
import { segmentsOf } from './waterfall'

describe('time axis', () => {
  it('places nice ticks from the trace start and labels them as offsets', () => {
    const ticks = ticksOf({ start: 1000, end: 11_000 }, 1000, 6)
    expect(ticks.map((t) => t.label)).toEqual(['0', '2 s', '4 s', '6 s', '8 s', '10 s'])
    expect(ticks[1]?.t).toBe(3000)
    // A zoomed window keeps offsets counted from the origin, not from the window.
    expect(ticksOf({ start: 1250, end: 1750 }, 1000, 5).map((t) => t.label)).toEqual([
      '300 ms',
      '400 ms',
      '500 ms',
      '600 ms',
      '700 ms'
    ])
    expect(ticksOf({ start: 0, end: 0 }, 0, 5)).toEqual([])
    expect(formatOffset(90 * 60_000)).toBe('1 h 30 min')
    expect(formatOffset(150_000)).toBe('2 min 30 s')
  })

  it('zooms about an anchor, pans, and stays inside the full span', () => {
    const full = { start: 0, end: 1000 }
    expect(zoomWindow(full, full, 2)).toEqual({ start: 250, end: 750 })
    expect(zoomWindow(full, full, 2, 0)).toEqual({ start: 0, end: 500 })
    expect(panWindow({ start: 250, end: 750 }, full, 0.25)).toEqual({ start: 375, end: 875 })
    expect(panWindow({ start: 250, end: 750 }, full, 5)).toEqual({ start: 500, end: 1000 })
    expect(zoomWindow({ start: 250, end: 750 }, full, 0.1)).toEqual(full)
    expect(
      clampWindow({ start: 10, end: 11 }, full).end -
        clampWindow({ start: 10, end: 11 }, full).start
    ).toBe(5)
  })
})

describe('critical path', () => {
  const e = (
    id: string,
    parentId: string | null,
    endMs: number | null,
    cost = 0,
    tokens = 0,
    started = true
  ): PathEntity => ({ id, parentId, endMs, cost, tokens, started })

  it('follows the child that ended last, a running one before any ended one', () => {
    const tree = [
      e('m', null, 100),
      e('p', 'm', 100),
      e('j1', 'p', 90, 5),
      e('j2', 'p', 60, 1, 9000),
      e('a1', 'j1', 80),
      e('a2', 'j1', 90)
    ]
    expect(criticalPath(tree, 'time')).toEqual(['m', 'p', 'j1', 'a2'])
    expect(criticalPath([...tree, e('j3', 'p', null)], 'time')).toEqual(['m', 'p', 'j3'])
    expect(criticalPath([...tree, e('j4', 'p', null, 0, 0, false)], 'time')).toEqual([
      'm',
      'p',
      'j1',
      'a2'
    ])
  })

  it('by cost follows the most credits, then tokens, and stops where nothing was consumed', () => {
    const tree = [
      e('m', null, 100, 6, 9000),
      e('p', 'm', 100, 6, 9000),
      e('j1', 'p', 90, 5),
      e('j2', 'p', 60, 1, 9000),
      e('a1', 'j1', 80)
    ]
    expect(criticalPath(tree, 'cost')).toEqual(['m', 'p', 'j1'])
    expect(
      criticalPath(
        tree.map((x) => (x.id === 'j1' ? { ...x, cost: 1 } : x)),
        'cost'
      )
    ).toEqual(['m', 'p', 'j2'])
  })
})

describe('terminal bar ends', () => {
  const terminal = (s: string) => s === 'succeeded' || s === 'failed_ethical'
  it("ends a failed job's bar at its failure, not at now", () => {
    const h = [
      { to_state: 'running', timestamp: '2026-01-01T00:00:00Z' },
      { to_state: 'failed_mechanical', timestamp: '2026-01-01T00:00:02Z' }
    ]
    const segs = segmentsOf(h, terminal, Date.parse('2026-01-01T01:00:00Z'))
    expect(segs[1]).toEqual({
      state: 'failed_mechanical',
      start: Date.parse('2026-01-01T00:00:02Z'),
      end: Date.parse('2026-01-01T00:00:02Z'),
      open: false
    })
    const running = segmentsOf(h.slice(0, 1), terminal, Date.parse('2026-01-01T01:00:00Z'))
    expect(running[0]?.open).toBe(true)
  })
})

describe('search inside a trace', () => {
  const node = (id: string, state: string | null, record: Record<string, unknown>): TraceNode =>
    ({
      entityType: id.startsWith('j_') ? 'job' : 'attempt',
      entityId: id,
      state,
      record,
      children: [],
      childCount: 0,
      nextCursor: null
    }) as unknown as TraceNode
  it('finds by id, job type, state, error code, tool and model, every word', () => {
    const job = node('j_0123456789ab', 'failed_mechanical', {
      job_type: 'tool_execution',
      metadata: { tool: 'web_search', model: 'gpt-x' }
    })
    expect(matchesQuery(job, 'j_0123')).toBe(true)
    expect(matchesQuery(job, 'TOOL_exec failed')).toBe(true)
    expect(matchesQuery(job, 'web_search')).toBe(true)
    expect(matchesQuery(job, 'gpt-x')).toBe(true)
    expect(matchesQuery(job, 'llm_call')).toBe(false)
    expect(matchesQuery(job, '   ')).toBe(false)
    const attempt = node('a_0123456789ab', 'failed_timeout', {})
    expect(
      matchesQuery(attempt, 'EXEC_TIMEOUT', {
        history: [{ to_state: 'failed_timeout', metadata: { error_code: 'EXEC_TIMEOUT' } }]
      })
    ).toBe(true)
  })
  it('steps forward and back with wrap-around', () => {
    expect(stepMatch([2, 5, 9], 5, false)).toBe(9)
    expect(stepMatch([2, 5, 9], 9, false)).toBe(2)
    expect(stepMatch([2, 5, 9], 5, true)).toBe(2)
    expect(stepMatch([2, 5, 9], 2, true)).toBe(9)
    expect(stepMatch([], 0, false)).toBe(-1)
    expect([2, 5, 9, 0].map((c) => matchIndex([2, 5, 9], c))).toEqual([0, 1, 2, -1])
    expect(matchIndex([], 0)).toBe(-1)
  })
})

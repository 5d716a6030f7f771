import { describe, expect, it } from 'vitest'
import { addBatch, addHistory, emptyOutput } from './runOutput'

const line = (seq: number, text = `l${seq}`) => ({
  seq,
  stream: 'stdout' as const,
  text,
  at: '2026-01-01T00:00:00Z'
})

describe('run output merge', () => {
  it('drops the overlap between history and pushes by seq', () => {
    let s = addHistory(emptyOutput(), { lines: [line(0), line(1), line(2)], dropped: 0 })
    // A push that arrived while history loaded, covering 1…4.
    const r = addBatch(s, { stream: 'stderr', text: 'l1\nl2\nl3\nl4', firstSeq: 1, lastSeq: 4 })
    expect(r.gap).toBe(false)
    s = r.state
    expect(s.lines.map((l) => l.seq)).toEqual([0, 1, 2, 3, 4])
    expect(s.lines[3]).toMatchObject({ stream: 'stderr', text: 'l3' })
    // A repeated push changes nothing.
    expect(addBatch(s, { stream: 'stdout', text: 'l4', firstSeq: 4, lastSeq: 4 }).state).toBe(s)
  })

  it('reports a gap instead of appending lines out of order', () => {
    const s = addHistory(emptyOutput(), { lines: [line(0)], dropped: 0 })
    expect(addBatch(s, { stream: 'stdout', text: 'x', firstSeq: 5, lastSeq: 5 }).gap).toBe(true)
  })

  it('accepts a first push before any history and keeps the newest lines within the bound', () => {
    let s = addBatch(
      emptyOutput(),
      { stream: 'stdout', text: 'a\nb\nc', firstSeq: 10, lastSeq: 12 },
      2
    ).state
    expect(s.lines.map((l) => l.text)).toEqual(['b', 'c'])
    expect(s.hidden).toBe(1)
    s = addHistory(s, { lines: [line(11), line(12), line(13)], dropped: 11 }, 2)
    expect(s.lines.map((l) => l.seq)).toEqual([12, 13])
  })

  it('counts lines the ring buffer dropped before the history', () => {
    const s = addHistory(emptyOutput(), { lines: [line(50)], dropped: 50 })
    expect(s.hidden).toBe(50)
  })
})

import { describe, expect, it } from 'vitest'
import { addBounded } from './historyCache'

const entries = (...keys: string[]) => keys.map((k) => [k, `h:${k}`] as const)

describe('addBounded', () => {
  it('adds a batch to a copy and leaves the old map as it was', () => {
    const before = new Map(entries('a'))
    const { map, dropped } = addBounded(before, entries('b', 'c'), new Set(), 10)
    expect([...map.keys()]).toEqual(['a', 'b', 'c'])
    expect(map.get('c')).toBe('h:c')
    expect(dropped).toEqual([])
    expect([...before.keys()]).toEqual(['a'])
  })

  it('drops the least recently used beyond the bound and says which', () => {
    const { map, dropped } = addBounded(
      new Map(entries('a', 'b', 'c')),
      entries('d', 'e'),
      new Set(),
      3
    )
    expect([...map.keys()]).toEqual(['c', 'd', 'e'])
    expect(dropped).toEqual(['a', 'b'])
  })

  it('never drops what is on screen, and counts it as used', () => {
    // a is the oldest but still visible: b goes first, then c.
    const { map, dropped } = addBounded(
      new Map(entries('a', 'b', 'c')),
      entries('d', 'e'),
      new Set(['a']),
      3
    )
    expect([...map.keys()].sort()).toEqual(['a', 'd', 'e'])
    expect(dropped).toEqual(['b', 'c'])
  })

  it('lets more entries than the bound stay while more rows than that are on screen', () => {
    const { map, dropped } = addBounded(
      new Map(entries('a', 'b')),
      entries('c'),
      new Set(['a', 'b', 'c']),
      2
    )
    expect(map.size).toBe(3)
    expect(dropped).toEqual([])
  })

  it('stays within the bound however long one trace is scrolled through', () => {
    let map: ReadonlyMap<string, string> = new Map()
    const everDropped = new Set<string>()
    for (let screen = 0; screen < 1_000; screen++) {
      const visible = Array.from({ length: 20 }, (_, i) => `a${screen * 20 + i}`)
      const r = addBounded(map, entries(...visible), new Set(visible), 500)
      for (const id of r.dropped) everDropped.add(id)
      map = r.map
      expect(map.size).toBeLessThanOrEqual(500)
    }
    expect(map.has('a19999')).toBe(true)
    expect(map.has('a0')).toBe(false)
    expect(everDropped.size).toBe(20_000 - 500)
  })

  it('replaces a history that arrives again instead of keeping two', () => {
    const { map } = addBounded(new Map(entries('a', 'b')), [['a', 'new']], new Set(), 5)
    expect([...map.entries()]).toEqual([
      ['b', 'h:b'],
      ['a', 'new']
    ])
  })
})

import { describe, expect, it } from 'vitest'
import {
  describeJsonPath,
  findTooDeep,
  parseJsonBounded,
  parseJsonCapped,
  tooDeepMarker
} from './json-depth'

function nested(depth: number, key = 'a'): string {
  return `{"${key}":`.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1)
}

describe('findTooDeep', () => {
  it('accepts text exactly at the limit and refuses one level more', () => {
    expect(findTooDeep(nested(5), 5)).toBeNull()
    expect(findTooDeep(nested(6), 5)).toEqual(['a', 'a', 'a', 'a', 'a'])
    expect(findTooDeep('[]', 1)).toBeNull()
    expect(findTooDeep('[[]]', 1)).toEqual([0])
    expect(findTooDeep('1', 0)).toBeNull()
  })

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(findTooDeep('{"k":"[[[[{{{{\\"[[["}', 1)).toBeNull()
    expect(findTooDeep('["\\\\",[1]]', 1)).toEqual([1])
  })

  it('reports the path with keys and indices, decoding escaped keys', () => {
    expect(findTooDeep('{"x":1,"list":[0,{"deep":[[]]}]}', 3)).toEqual(['list', 1, 'deep'])
    expect(findTooDeep('{"a\\"b":[[]]}', 2)).toEqual(['a"b', 0])
  })

  it('measures a 100,000-deep text without recursing', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000)
    expect(findTooDeep(text, 64)).toHaveLength(64)
  })

  it('bounds hostile keys in the path', () => {
    const key = 'k'.repeat(10_000)
    const [first] = findTooDeep(`{"${key}":[]}`, 1) ?? []
    expect(String(first).length).toBeLessThan(70)
  })
})

describe('parseJsonBounded', () => {
  it('parses text within the limit', () => {
    expect(parseJsonBounded('{"a":[1,2]}', 2)).toEqual({ ok: true, value: { a: [1, 2] } })
  })

  it('refuses a 5,000-deep text with where and how deep, never what', () => {
    const result = parseJsonBounded(nested(5000, 'secret'), 62)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.reason).toBe('too_deep')
    expect(result.message).toBe(
      'JSON nested deeper than 62 levels (at secret.secret.secret.secret.secret.secret.secret.secret…)'
    )
  })

  it('reports malformed text with a bounded message', () => {
    const result = parseJsonBounded('{"a": ' + 'x'.repeat(5000), 10)
    expect(result).toMatchObject({ ok: false, reason: 'malformed' })
    if (!result.ok) expect(result.message.length).toBeLessThanOrEqual(201)
  })
})

describe('describeJsonPath', () => {
  it('renders keys, indices and the root', () => {
    expect(describeJsonPath([])).toBe('(root)')
    expect(describeJsonPath(['transitions', 0, 'metadata'])).toBe('transitions[0].metadata')
    expect(describeJsonPath([0, 'a'])).toBe('[0].a')
  })
})

describe('parseJsonCapped', () => {
  it('parses text within the limit unchanged', () => {
    expect(parseJsonCapped('{"a":[1,{"b":2}]}', 3)).toEqual({
      ok: true,
      value: { a: [1, { b: 2 }] },
      cut: 0
    })
  })

  it('replaces each container past the limit by a marker and keeps everything else', () => {
    const text = `[{"ok":1,"deep":${nested(100_000)}},{"ok":2,"s":"[[[["},[[[]]]]`
    const result = parseJsonCapped(text, 3)
    expect(result).toEqual({
      ok: true,
      value: [{ ok: 1, deep: { a: tooDeepMarker(3) } }, { ok: 2, s: '[[[[' }, [[tooDeepMarker(3)]]],
      cut: 2
    })
  })

  it('reports malformed text, also when a too-deep part never closes', () => {
    expect(parseJsonCapped('[[[[[', 2)).toMatchObject({ ok: false })
    expect(parseJsonCapped('{"a":', 2)).toMatchObject({ ok: false })
  })
})

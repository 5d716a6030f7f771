import { describe, expect, it } from 'vitest'
import { DateTimeSchema, parseDateTimeMs, toIso, unixSecondsToIso } from './datetime'

describe('DateTimeSchema', () => {
  const accepted = [
    // The real backend's naive utcnow() with microseconds: UTC, fraction cut to milliseconds.
    ['2026-11-23T05:52:19.188524', '2026-11-23T05:52:19.188Z'],
    ['2026-11-23T05:52:19', '2026-11-23T05:52:19.000Z'],
    ['2026-11-23T05:52', '2026-11-23T05:52:00.000Z'],
    ['2026-11-23 05:52:19.5', '2026-11-23T05:52:19.500Z'],
    ['2026-11-23T05:52:19.188Z', '2026-11-23T05:52:19.188Z'],
    ['2026-11-23T05:52:19z', '2026-11-23T05:52:19.000Z'],
    ['2026-11-23T07:52:19.188+02:00', '2026-11-23T05:52:19.188Z'],
    ['2026-11-23T07:52:19+0200', '2026-11-23T05:52:19.000Z'],
    ['2026-11-23T00:30:00-05:30', '2026-11-23T06:00:00.000Z'],
    ['2026-11-23T05:52:19+00:00', '2026-11-23T05:52:19.000Z'],
    ['2026-11-23T07:52:19+02', '2026-11-23T05:52:19.000Z'],
    // Offset crossing the day boundary.
    ['2026-01-01T01:00:00+02:00', '2025-12-31T23:00:00.000Z'],
    // BRAiN's default audit-stats range start: year 1 must not become 1901.
    ['0001-01-01T00:00:00', '0001-01-01T00:00:00.000Z'],
    ['2024-02-29T12:00:00', '2024-02-29T12:00:00.000Z']
  ] as const
  it.each(accepted)('parses %s as %s', (input, output) => {
    expect(DateTimeSchema.parse(input)).toBe(output)
  })

  it('accepts a Date object', () => {
    expect(DateTimeSchema.parse(new Date(Date.UTC(2026, 10, 23, 5, 52, 19, 188)))).toBe(
      '2026-11-23T05:52:19.188Z'
    )
  })

  const rejected = [
    '',
    'yesterday',
    '2026-11-23',
    '2026-13-01T00:00:00',
    '2026-02-30T00:00:00',
    '2025-02-29T00:00:00',
    '2026-11-23T24:00:00',
    '2026-11-23T05:60:00',
    '2026-11-23T05:52:19+25:00',
    '1795413116.697611'
  ]
  it.each(rejected)('rejects %j with a message naming the format', (input) => {
    const r = DateTimeSchema.safeParse(input)
    expect(r.success).toBe(false)
    if (!r.success) expect(r.error.issues[0]?.message).toMatch(/ISO-8601/)
  })

  it('rejects numbers and invalid dates', () => {
    expect(DateTimeSchema.safeParse(1795413116).success).toBe(false)
    expect(DateTimeSchema.safeParse(new Date(NaN)).success).toBe(false)
    expect(DateTimeSchema.safeParse(null).success).toBe(false)
  })

  it('normalised strings sort chronologically as plain strings', () => {
    const values = [
      '2026-11-23T07:00:00+02:00',
      '2026-11-23T05:30:00',
      '2026-11-23T04:59:59.999Z'
    ].map((v) => DateTimeSchema.parse(v))
    expect([...values].sort()).toEqual([values[2], values[0], values[1]])
  })
})

describe('helpers', () => {
  it('parseDateTimeMs returns epoch ms or null', () => {
    expect(parseDateTimeMs('1970-01-01T00:00:01')).toBe(1000)
    expect(parseDateTimeMs('nope')).toBeNull()
  })

  it('toIso formats Dates, epoch ms and ISO strings as UTC with Z', () => {
    expect(toIso(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(toIso(1000)).toBe('1970-01-01T00:00:01.000Z')
    expect(toIso('2026-11-23T05:52:19.188524')).toBe('2026-11-23T05:52:19.188Z')
    expect(() => toIso('garbage')).toThrow(RangeError)
  })

  it('unixSecondsToIso converts SSE float timestamps', () => {
    expect(unixSecondsToIso(1795413116.697611)).toBe('2026-11-23T05:51:56.698Z')
  })
})

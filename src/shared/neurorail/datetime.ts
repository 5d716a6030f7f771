import { z } from 'zod'

/**
 * ISO-8601 as the backends write it: date, `T` (or a space, as Python's str() writes it), time with
 * optional seconds and any number of fraction digits, then optionally `Z` or an offset (`+02:00`,
 * `+0200`, `+02`). No zone at all is the real backend's quirk (`datetime.utcnow()`): it means UTC.
 */
const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * Parses an ISO-8601 datetime (naive = UTC) into epoch milliseconds, or null when malformed or
 * out of range (month 13, Feb 30, hour 24…). Fractions beyond milliseconds are truncated.
 */
export function parseDateTimeMs(value: string): number | null {
  const m = ISO_PATTERN.exec(value.trim())
  if (!m) return null
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m
  const year = Number(ys)
  const month = Number(mos)
  const day = Number(ds)
  const hour = Number(hs)
  const minute = Number(mis)
  const second = ss === undefined ? 0 : Number(ss)
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'))
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null
  // Build via setUTCFullYear so years 0–99 (BRAiN's 0001-01-01 default) are not mapped to 19xx.
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, ms)
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month - 1) return null
  let offsetMinutes = 0
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
    if (oh > 23 || om > 59) return null
    offsetMinutes = sign * (oh * 60 + om)
  }
  const time = d.getTime() - offsetMinutes * 60_000
  return Number.isFinite(time) ? time : null
}

/** UTC ISO string with `Z` and milliseconds (`2026-11-23T05:52:19.188Z`), the one form we emit. */
export function toIso(date: Date | number | string): string {
  if (typeof date === 'string') {
    const ms = parseDateTimeMs(date)
    if (ms === null) throw new RangeError(`Not an ISO-8601 datetime: ${date}`)
    return new Date(ms).toISOString()
  }
  return (typeof date === 'number' ? new Date(date) : date).toISOString()
}

/**
 * Largest magnitude of Unix seconds a Date holds (±8.64e15 ms): past it `toISOString` throws, so a
 * time read from outside is bounded by this before anything formats it.
 */
export const MAX_UNIX_SECONDS = 8.64e12

/** Unix seconds (float, as SSE `timestamp` carries them) to a UTC ISO string. */
export function unixSecondsToIso(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString()
}

/**
 * A datetime on the wire: accepts naive ISO (treated as UTC — the real backend's quirk), `Z` and
 * offsets, and a Date object; always outputs a UTC ISO string ending in `Z`, so everything
 * downstream compares and sorts datetimes as plain strings.
 */
export const DateTimeSchema = z.union([z.string(), z.date()]).transform((value, ctx) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'invalid date' })
      return z.NEVER
    }
    return value.toISOString()
  }
  const ms = parseDateTimeMs(value)
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `must be an ISO-8601 datetime (e.g. 2026-11-23T05:52:19.188Z), got "${value.slice(0, 40)}"`
    })
    return z.NEVER
  }
  return new Date(ms).toISOString()
})
export type DateTime = z.output<typeof DateTimeSchema>

/** Unix seconds as a float (SSE `timestamp`, reflex metrics). */
export const UnixSecondsSchema = z.number().finite()

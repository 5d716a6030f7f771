import { randomBytes } from 'node:crypto'
import { makeEntityId, type EntityType } from '../../shared/neurorail'

// Random bytes are drawn 4 KiB at a time: one getrandom() call serves ~680 ids, where a call per
// id showed up in transition profiles.
let pool = Buffer.alloc(0)
let poolAt = 0

/** 12 lowercase hex characters of fresh randomness. */
function hex12(): string {
  if (poolAt + 6 > pool.length) {
    pool = randomBytes(4096)
    poolAt = 0
  }
  const hex = pool.toString('hex', poolAt, poolAt + 6)
  poolAt += 6
  return hex
}

/** A new identity ID (`m_`/`p_`/`j_`/`a_`/`r_` + 12 lowercase hex of fresh randomness, API §2). */
export function newEntityId(type: EntityType): string {
  return makeEntityId(type, hex12())
}

let lastAudit = 0

/**
 * A new audit ID (`aud_` + 12 hex) that sorts by creation: the 48 bits are milliseconds since
 * the epoch times 64 (64 ids per ms before borrowing from the next ms; fits 48 bits until 2109).
 * Random ids would put every insert on a different page of the unique index, so each group commit
 * would write one WAL page per audit event; ordered ids append to the same page. Unique within
 * one engine; callers still retry on a clash (a clock stepped back across a restart).
 */
export function newAuditId(nowMs = Date.now()): string {
  lastAudit = Math.max(lastAudit + 1, nowMs * 64)
  return `aud_${(lastAudit % 2 ** 48).toString(16).padStart(12, '0')}`
}

// One-entry caches: a busy engine formats the same millisecond (ISO) and second (stamp) many
// times in a row, and Date formatting plus the regex showed up in transition profiles.
let isoMs = NaN
let isoText = ''
let stampSecond = NaN
let stampText = ''

/** `new Date(ms).toISOString()`, remembered for the last millisecond asked. */
export function isoOf(ms: number): string {
  if (ms !== isoMs) {
    isoText = new Date(ms).toISOString()
    isoMs = ms
  }
  return isoText
}

/** `YYYYMMDDHHMMSS` in UTC, the real backend's timestamp-ID body. */
export function idStamp(ms: number): string {
  const second = Math.floor(ms / 1000)
  if (second !== stampSecond) {
    stampText = isoOf(ms).replace(/[-:T]/g, '').slice(0, 14)
    stampSecond = second
  }
  return stampText
}

/**
 * A timestamp ID in the real backend's format (`evt_20261123055219`) plus `_<seq>`: the backend's
 * second-granular IDs collide, ours stay unique because `seq` is the row's own primary key.
 */
export function timestampId(prefix: 'evt' | 'dec', ms: number, seq: number): string {
  return `${prefix}_${idStamp(ms)}_${seq}`
}

/** True when a better-sqlite3 error is a UNIQUE/PRIMARY KEY violation. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}

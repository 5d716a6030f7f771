import type Database from 'better-sqlite3'
import { pragmaNumber } from '../../../engine/store/database'
import type { CacheRetention } from '../../../shared/console/domains/cache'

const DAY_MS = 86_400_000
/** Bounded so a pathological file (one huge row) cannot loop forever. */
const MAX_SIZE_ROUNDS = 40

/** Tables in the order the size bound empties them: the high-volume, least precious first. */
const SIZE_ORDER: readonly { table: string; order: string }[] = [
  { table: 'stream_events', order: 'seq' },
  { table: 'audit', order: 'seen_at' },
  { table: 'snapshots', order: 'fetched_at' },
  { table: 'transitions', order: 'seen_at' },
  { table: 'decisions', order: 'seen_at' },
  { table: 'entities', order: 'seen_at' }
]

/** Bytes the live rows occupy (pages in use, not the free list). */
function usedBytes(db: Database.Database): number {
  return (
    (pragmaNumber(db, 'page_count') - pragmaNumber(db, 'freelist_count')) *
    pragmaNumber(db, 'page_size')
  )
}

/**
 * Applies `retention` to an open cache: rows first seen more than `days` ago go, then the oldest
 * rows (stream events first) until the data fits in `maxMb`; freed pages are then handed back to
 * the file system so the size shown to the operator really drops. Returns the rows deleted.
 */
export function enforceRetention(
  db: Database.Database,
  retention: CacheRetention,
  now: number
): { deleted: number } {
  let deleted = 0
  const cutoff = now - retention.days * DAY_MS
  db.transaction(() => {
    for (const table of ['entities', 'transitions', 'audit', 'decisions']) {
      deleted += db.prepare(`DELETE FROM ${table} WHERE seen_at < ?`).run(cutoff).changes
    }
    deleted += db.prepare(`DELETE FROM snapshots WHERE fetched_at < ?`).run(cutoff).changes
    // seq order is seen_at order, so the first young row bounds the old ones; this scans only
    // the rows it deletes instead of needing a seen_at index on the hottest table.
    deleted += db
      .prepare(
        `DELETE FROM stream_events WHERE seq < COALESCE(
           (SELECT seq FROM stream_events WHERE seen_at >= ? ORDER BY seq LIMIT 1),
           (SELECT MAX(seq) + 1 FROM stream_events))`
      )
      .run(cutoff).changes
  })()

  const maxBytes = retention.maxMb * 1024 * 1024
  for (let round = 0; round < MAX_SIZE_ROUNDS; round++) {
    const used = usedBytes(db)
    if (used <= maxBytes) break
    const target = SIZE_ORDER.find(
      ({ table }) =>
        db.prepare<[], { e: number }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS e`).get()?.e === 1
    )
    if (!target) break
    const rows =
      db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${target.table}`).get()?.n ?? 0
    // Remove the overshoot's share of this table plus 5%, so one or two rounds usually suffice.
    const share = Math.min(1, (used - maxBytes) / used + 0.05)
    const count = Math.max(1, Math.ceil(rows * share))
    deleted += db
      .prepare(
        `DELETE FROM ${target.table} WHERE rowid IN
           (SELECT rowid FROM ${target.table} ORDER BY ${target.order} LIMIT ?)`
      )
      .run(count).changes
  }
  if (deleted > 0) {
    db.pragma('incremental_vacuum')
    db.pragma('wal_checkpoint(TRUNCATE)')
  }
  return { deleted }
}

import { badRequest } from '../errors'
import type { Store } from './store'

/**
 * Opaque list cursors: base64url JSON of the sort key of the last item returned. Opaque so that
 * clients never build them, and validated on the way back in so a forged one is a 400, not a 500.
 */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** Decodes a cursor made by `encodeCursor`, checking each field's type against `shape`. */
export function decodeCursor<K extends Record<string, 'string' | 'number'>>(
  cursor: string,
  shape: K
): { [P in keyof K]: K[P] extends 'string' ? string : number } {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badRequest('Invalid cursor')
  }
  if (typeof value !== 'object' || value === null) throw badRequest('Invalid cursor')
  for (const [field, type] of Object.entries(shape)) {
    if (typeof (value as Record<string, unknown>)[field] !== type)
      throw badRequest('Invalid cursor')
  }
  return value as { [P in keyof K]: K[P] extends 'string' ? string : number }
}

/** The `seq` a newest-first list continues below: the cursor's, or from the top without one. */
export function seqBefore(cursor: string | undefined): number {
  return cursor ? decodeCursor(cursor, { s: 'number' }).s : Number.MAX_SAFE_INTEGER
}

/**
 * One newest-first page of rows read with `WHERE seq < ? ORDER BY seq DESC LIMIT limit + 1`: the
 * first `limit` rows mapped, and a cursor at the last one's `seq` when the extra row shows more.
 */
export function seqPage<R extends { seq: number }, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T
): { items: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map(map),
    next_cursor: rows.length > limit && last ? encodeCursor({ s: last.seq }) : null
  }
}

/** One newest-first page of whole rows of `table` (a table name of ours, never input), via {@link seqPage}. */
export function readSeqPage<T>(
  store: Store,
  table: string,
  cursor: string | undefined,
  limit: number,
  map: (row: Record<string, unknown> & { seq: number }) => T
): { items: T[]; next_cursor: string | null } {
  const rows = store
    .prepare<unknown[], Record<string, unknown> & { seq: number }>(
      `SELECT * FROM ${table} WHERE seq < ? ORDER BY seq DESC LIMIT ?`
    )
    .all(seqBefore(cursor), limit + 1)
  return seqPage(rows, limit, map)
}

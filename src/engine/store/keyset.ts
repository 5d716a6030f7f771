/**
 * Keyset cursors: a page boundary (the sort key of the last row handed out) packed as opaque
 * base64url JSON. Keyset rather than OFFSET so that page N of a million rows costs what page 1
 * costs; opaque so that clients never build them, and checked on the way back in so a forged one
 * is refused as bad input, never misread.
 */

/** The longest cursor text accepted: a key of a few ids and times is far shorter. */
export const MAX_CURSOR_LENGTH = 2000

/** A sort key: the values of the ORDER BY columns of one row. */
export type KeysetKey = readonly (string | number)[]

/** Packs any JSON value as cursor text. */
export function packCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}

/** The JSON value packed in `cursor`, or undefined when it is not cursor text. */
export function unpackCursor(cursor: string): unknown {
  if (cursor.length > MAX_CURSOR_LENGTH) return undefined
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
  } catch {
    return undefined
  }
}

/** A cursor at `key`. */
export function encodeKeyset(key: KeysetKey): string {
  return packCursor(key)
}

/** The key packed in `cursor`, or null when it is not one of ours (wrong shape or arity). */
export function decodeKeyset(cursor: string, arity: number): (string | number)[] | null {
  const value = unpackCursor(cursor)
  if (!Array.isArray(value) || value.length !== arity) return null
  const isPart = (v: unknown): v is string | number =>
    typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
  return value.every(isPart) ? value : null
}

/**
 * One page from rows read with `LIMIT limit + 1`: the first `limit` rows mapped, and a cursor at
 * the key of the last one when the extra row shows there is more.
 */
export function keysetPage<R, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
  key: (row: R) => KeysetKey
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    items: page.map(map),
    nextCursor: rows.length > limit && last ? encodeKeyset(key(last)) : null
  }
}

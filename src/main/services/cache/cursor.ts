/**
 * Opaque keyset cursors: a page boundary (the sort key of the last row handed out) packed as
 * base64url JSON. Keyset rather than OFFSET so that page N of a million rows costs what page 1
 * costs. A cursor that does not decode is treated as garbage input and rejected by the caller.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/** The key packed in `cursor`, or null when it is not one of ours (wrong shape or arity). */
export function decodeCursor(cursor: string, arity: number): (string | number)[] | null {
  if (cursor.length > 2000) return null
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (!Array.isArray(value) || value.length !== arity) return null
    if (!value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
      return null
    }
    return value as (string | number)[]
  } catch {
    return null
  }
}

/**
 * The key of a page request's cursor: null for the first page (no cursor), else the decoded key.
 * @throws RangeError 'invalid cursor' for a cursor that is not ours (mapped to invalid_input).
 */
export function pageKey(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null
  const key = decodeCursor(cursor, arity)
  if (!key) throw new RangeError('invalid cursor')
  return key
}

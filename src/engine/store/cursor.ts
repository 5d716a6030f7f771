import { badRequest } from '../errors'

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
    if (typeof (value as Record<string, unknown>)[field] !== type) throw badRequest('Invalid cursor')
  }
  return value as { [P in keyof K]: K[P] extends 'string' ? string : number }
}

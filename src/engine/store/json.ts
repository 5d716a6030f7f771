/** Parses a JSON column written by the engine; a corrupt value becomes `fallback`, never a 500. */
export function parseJsonColumn<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/**
 * JSON text of one value for hand-assembled JSON (hot paths splice already-serialised parts
 * together): `JSON.stringify`, except that `undefined` becomes `null` so the result always parses.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null'
}

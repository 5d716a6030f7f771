/**
 * Turns a query string into a plain object for zod: repeated keys in `lists` become arrays (and
 * comma-separated values are split, so `?channels=audit,lifecycle` works too); other keys keep
 * their last value.
 */
export function queryObject(
  params: URLSearchParams,
  lists: readonly string[] = []
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of new Set(params.keys())) {
    if (lists.includes(key)) {
      out[key] = params
        .getAll(key)
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
    } else {
      out[key] = params.get(key)
    }
  }
  return out
}

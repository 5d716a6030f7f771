/**
 * Adds `batch` to a copy of `map` and keeps the copy within `max` entries, dropping the least
 * recently used first. An entry is used when it arrives and while its key is in `inUse` (the rows
 * on screen); entries in use are never dropped, so the map exceeds `max` only while more than
 * `max` keys are in use at once. Returns the new map and the keys it dropped, which a caller
 * fetches again should they come back into use.
 */
export function addBounded<K, V>(
  map: ReadonlyMap<K, V>,
  batch: Iterable<readonly [K, V]>,
  inUse: ReadonlySet<K>,
  max: number
): { map: Map<K, V>; dropped: K[] } {
  const next = new Map(map)
  // Recency is insertion order: what is on screen, then what just arrived, moves to the end.
  for (const key of inUse) {
    if (!next.has(key)) continue
    const value = next.get(key) as V
    next.delete(key)
    next.set(key, value)
  }
  for (const [key, value] of batch) {
    next.delete(key)
    next.set(key, value)
  }
  const dropped: K[] = []
  for (const key of next.keys()) {
    if (next.size <= max) break
    if (inUse.has(key)) continue
    next.delete(key)
    dropped.push(key)
  }
  return { map: next, dropped }
}

import type { Stale } from '../../../../shared/console/domains/data'

/** A titled list of a command's text output: `Title (n)`, then one indented line per row. */
export function section<T>(title: string, rows: readonly T[], line: (row: T) => string): string[] {
  return [`${title} (${rows.length})`, ...rows.map((row) => `  ${line(row)}`)]
}

/** "data from the cache, 3 min old" for stale answers. */
export function staleLine(stale: Stale): string | null {
  if (!stale) return null
  const s = Math.round(stale.ageMs / 1000)
  const age =
    s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`
  return `(backend not reachable: data from the local cache, ${age} old, fetched ${stale.fetchedAt})`
}

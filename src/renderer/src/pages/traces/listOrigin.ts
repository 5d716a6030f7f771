import type { ListOrigin } from '../../../../shared/console/domains/data'
import { formatCount } from '../../lib/format/format'

/**
 * The sentence above a list saying where its rows come from: the engine's list route, the audit
 * history (a backend without list routes) or the cache alone (backend away). `kind` is the plural
 * the page shows ("missions").
 */
export function describeListOrigin(origin: ListOrigin, kind: string): string {
  if (origin.kind === 'list_route') return "From the engine's list route."
  const count = `${formatCount(origin.entities ?? 0)} ${origin.entities === 1 ? kind.replace(/s$/, '') : kind}`
  if (origin.kind === 'cache') {
    return `From ControlDeck's cache: the backend is not reachable, so these are the ${count} seen before.`
  }
  const events = `${formatCount(origin.eventsScanned ?? 0)} event${origin.eventsScanned === 1 ? '' : 's'}`
  const reach = origin.complete
    ? 'the whole history'
    : 'older events are read a page at a time as the list is reopened'
  const line = `From the audit history (this backend has no list route): ${count} seen in the last ${events} (${reach}).`
  return origin.note ? `${line} ${origin.note}` : line
}

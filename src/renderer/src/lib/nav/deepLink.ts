import { isEntityId } from '../../../../shared/neurorail/ids'
import { hrefFor, traceHref, PAGES, type PageId } from './router'

/**
 * Turns a deep link into a hash route. Accepts `controldeck://trace/<id>`, the `path` part alone
 * (`trace/<id>`, `/trace/<id>`), and page names (`controldeck://audit`). Returns null when the
 * link names nothing we can show, so the caller can say so instead of navigating somewhere odd.
 */
export function deepLinkToHash(link: string): string | null {
  const [rawPath = '', rawQuery = ''] = link.trim().split('?', 2)
  const path = rawPath
    .replace(/^controldeck:\/\//i, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
  const [head, ...rest] = path.split('/')
  if (!head) return null
  const kind = head.toLowerCase()
  // A page link may carry a view (`controldeck://traces?kind=jobs&sort=cost`): the page's own
  // parser validates each value, this only keeps the pairs.
  const query = Object.fromEntries(new URLSearchParams(rawQuery))
  if (kind === 'trace' || kind === 'traces') {
    const id = rest[0] ?? ''
    if (isEntityId(id)) return traceHref(id)
    return kind === 'traces' && rest.length === 0 ? hrefFor('traces', [], query) : null
  }
  if ((PAGES as readonly string[]).includes(kind)) return hrefFor(kind as PageId, [], query)
  return null
}

/** The `controldeck://` link of a hash route (`#/traces?kind=jobs` → `controldeck://traces?kind=jobs`). */
export function hashToDeepLink(hash: string): string {
  return `controldeck://${hash.replace(/^#\/?/, '')}`
}

import { isEntityId } from '../../../shared/neurorail/ids'
import { hrefFor, traceHref, PAGES, type PageId } from './router'

/**
 * Turns a deep link into a hash route. Accepts `controldeck://trace/<id>`, the `path` part alone
 * (`trace/<id>`, `/trace/<id>`), and page names (`controldeck://audit`). Returns null when the
 * link names nothing we can show, so the caller can say so instead of navigating somewhere odd.
 */
export function deepLinkToHash(link: string): string | null {
  const path = link
    .trim()
    .replace(/^controldeck:\/\//i, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
  const [head, ...rest] = path.split('/')
  if (!head) return null
  const kind = head.toLowerCase()
  if (kind === 'trace' || kind === 'traces') {
    const id = rest[0] ?? ''
    return isEntityId(id) ? traceHref(id) : null
  }
  if ((PAGES as readonly string[]).includes(kind)) return hrefFor(kind as PageId)
  return null
}

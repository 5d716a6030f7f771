import { CONSOLE_PAGES, type ConsolePageId } from '../../../../shared/console/pages'
import { useSyncExternalStore } from 'react'

/** The sidebar pages, in sidebar order (the one list in src/shared, which the desktop menu uses too). */
export const PAGES = CONSOLE_PAGES.map((page) => page.id)
export type PageId = ConsolePageId

/** A parsed hash route: `#/traces/j_0123456789ab?state=running` → page traces, rest [id], query. */
export interface Route {
  page: PageId
  /** Path segments after the page (e.g. the trace id). */
  rest: string[]
  query: URLSearchParams
}

/**
 * Parses a hash (`#/audit?severity=error`). Hash routes work both from file:// (Electron) and from
 * the browser-mode server without any server-side routing. Unknown pages fall back to overview.
 */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '')
  const [pathPart = '', queryPart = ''] = raw.split('?', 2)
  const segments = pathPart.split('/').filter(Boolean).map(safeDecode)
  const first = segments[0] ?? 'overview'
  const page = (PAGES as readonly string[]).includes(first) ? (first as PageId) : 'overview'
  return {
    page,
    rest: page === first ? segments.slice(1) : [],
    query: new URLSearchParams(queryPart)
  }
}

/** Builds a hash path for a page with optional segments and query. */
export function hrefFor(
  page: PageId,
  rest: string[] = [],
  query?: Record<string, string | undefined>
): string {
  const path = ['', page, ...rest.map(encodeURIComponent)].join('/')
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v) params.set(k, v)
  const qs = params.toString()
  return `#${path}${qs ? `?${qs}` : ''}`
}

/** Hash of the trace page for one entity id. */
export function traceHref(id: string): string {
  return hrefFor('traces', [id])
}

/** Navigates to a hash (`#/…`). */
export function navigate(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

function snapshot(): string {
  return window.location.hash
}

/** The current hash route, re-rendering on change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, () => '')
  return parseHash(hash)
}

// Pure URL policy of the Electron window (no 'electron' import, so it is unit-tested under Node).

import { isLoopbackName } from '../../shared/net/host'

/** The scheme of links that open ControlDeck (`controldeck://trace/<id>`). */
export const DEEP_LINK_SCHEME = 'controldeck'

/**
 * Where the renderer is loaded from: the dev server's origin during `electron-vite dev`, else the
 * built index.html as a file URL.
 */
export type AppLocation = { kind: 'dev'; origin: string } | { kind: 'file'; indexUrl: string }

/**
 * Where the renderer loads from. `ELECTRON_RENDERER_URL` (set by electron-vite's dev server) is
 * honoured only in an unpackaged run that also carries `CONTROLDECK_DEV_SERVER=1` (`npm run dev`
 * sets both) and only for an http URL on a loopback host: the origin named there gets the window,
 * a widened CSP and IPC trust, so `npm start` or a stray variable must not be able to name one.
 * Returns the location and, when the variable was set but ignored, why (for one log line).
 */
export function rendererLocation(
  env: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
  indexUrl: string
): { location: AppLocation; ignored: string | null } {
  const file: AppLocation = { kind: 'file', indexUrl }
  const raw = env.ELECTRON_RENDERER_URL
  if (!raw) return { location: file, ignored: null }
  const ignore = (why: string) => ({
    location: file,
    ignored: `ELECTRON_RENDERER_URL ignored: ${why}`
  })
  if (isPackaged) return ignore('a packaged app loads only its own files')
  if (env.CONTROLDECK_DEV_SERVER !== '1') {
    return ignore('set only by `npm run dev` (CONTROLDECK_DEV_SERVER=1 is missing)')
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return ignore('not a URL')
  }
  if (url.protocol !== 'http:' || !isLoopbackName(url.hostname) || url.username || url.password) {
    return ignore('the dev server must be plain http on localhost or a loopback address')
  }
  return { location: { kind: 'dev', origin: url.origin }, ignored: null }
}

/** True when `url` is our own renderer page (any hash or query), nothing else. */
export function isAppUrl(url: string, location: AppLocation): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (location.kind === 'dev') return parsed.origin === location.origin
  const index = new URL(location.indexUrl)
  return (
    parsed.protocol === 'file:' && parsed.pathname === index.pathname && parsed.host === index.host
  )
}

/**
 * True for a download our own page started from data it built itself (a `blob:` URL of our origin:
 * the environments export, a trace's JSON). Every other download stays refused.
 */
export function isAppDownload(url: string, pageUrl: string, location: AppLocation): boolean {
  if (!url.startsWith('blob:') || !isAppUrl(pageUrl, location)) return false
  let inner: URL
  try {
    inner = new URL(url.slice('blob:'.length))
  } catch {
    return false
  }
  return location.kind === 'dev' ? inner.origin === location.origin : inner.protocol === 'file:'
}

/** Only https links leave the app, and only to the operator's browser (never inside a window). */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === ''
  } catch {
    return false
  }
}

/**
 * The path of a `controldeck://…` link (`controldeck://trace/m_1` → `trace/m_1`), or null for
 * anything else. Only plain path characters pass: the renderer routes on it. A query
 * (`controldeck://traces?kind=jobs&sort=cost`, a shared list view) is kept as sent, still
 * percent-encoded, and limited to the same characters plus `%` and `?`.
 */
export function parseDeepLink(url: string): string | null {
  const prefix = `${DEEP_LINK_SCHEME}://`
  if (!url.toLowerCase().startsWith(prefix)) return null
  if (url.length - prefix.length > 2048) return null
  const [pathPart, query = null] = splitOnce(url.slice(prefix.length), '?')
  const rest = pathPart.replace(/^\/+/, '').replace(/\/+$/, '')
  if (rest === '') return null
  let decoded: string
  try {
    decoded = decodeURIComponent(rest)
  } catch {
    return null
  }
  if (!/^[A-Za-z0-9._~:@!$&'()*+,;=/-]+$/.test(decoded) || decoded.split('/').includes('..'))
    return null
  if (query === null || query === '') return decoded
  return /^[A-Za-z0-9._~:@!$&'()*+,;=/%?-]+$/.test(query) ? `${decoded}?${query}` : null
}

function splitOnce(s: string, sep: string): [string, string | null] {
  const i = s.indexOf(sep)
  return i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)]
}

/** The first deep link among command-line arguments (Linux and Windows pass it that way). */
export function findDeepLinkArg(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const path = parseDeepLink(arg)
    if (path) return path
  }
  return null
}

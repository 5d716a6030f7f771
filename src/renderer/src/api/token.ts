/** Where the browser-mode token is kept for reloads of this tab (never localStorage: per tab only). */
export const TOKEN_STORAGE_KEY = 'controldeck.token'

/**
 * The browser-mode token: taken from the page URL's `?token=` on first load, then kept in
 * sessionStorage and removed from the address bar (so it is not bookmarked, shared in a screenshot
 * or leaked through history).
 */
export function takeBrowserToken(win: Window = window): string | null {
  const url = new URL(win.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl)
    } catch {
      // Storage can be disabled; the token then lives only in this page's memory.
    }
    url.searchParams.delete('token')
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY)
  } catch {
    return null
  }
}

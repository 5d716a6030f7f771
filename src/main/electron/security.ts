import { app, session, shell, type WebContents } from 'electron'
import { RENDERER_CSP } from '../services/serve/csp'
import { isAllowedExternalUrl, isAppDownload, isAppUrl, type AppLocation } from './urls'

/**
 * The dev server needs inline styles (Vite injects CSS as <style>) and a websocket for hot reload;
 * the packaged app gets the strict policy.
 */
function cspFor(location: AppLocation): string {
  if (location.kind === 'file') return RENDERER_CSP
  const ws = location.origin.replace(/^http/, 'ws')
  return RENDERER_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${ws}`
  )
}

/**
 * Session-wide hardening: our CSP on every response that passes through the network stack (the
 * `<meta>` in index.html covers file://), and no permission (camera, notifications, …) ever granted.
 */
export function hardenSession(location: AppLocation): void {
  const ses = session.defaultSession
  const csp = cspFor(location)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [csp],
        'X-Content-Type-Options': ['nosniff']
      }
    })
  })
  // Copying an id to the clipboard is the one capability the console uses; it is granted to our
  // own page only. Everything else (camera, notifications, geolocation, …) is refused.
  const allowed = (permission: string, url: string) =>
    permission === 'clipboard-sanitized-write' && isAppUrl(url, location)
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowed(permission, details.requestingUrl))
  )
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowed(permission, details.requestingUrl ?? requestingOrigin)
  )
  // The page's own exports (environments, a trace) are blob: downloads; Electron then asks where
  // to save them. Refusing those too made "Export JSON" do nothing while it said it had exported.
  ses.on('will-download', (event, item, contents) => {
    if (!isAppDownload(item.getURL(), contents.getURL(), location)) event.preventDefault()
  })
}

/**
 * Per-webContents guards, applied to every webContents the app ever creates: no navigation away
 * from our page, no webviews, no new windows; https links go to the operator's browser.
 */
export function hardenAllWebContents(location: AppLocation, log: (message: string) => void): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    const refuseNavigation = (event: { preventDefault(): void }, url: string) => {
      if (!isAppUrl(url, location)) {
        event.preventDefault()
        log(`blocked navigation to ${url}`)
      }
    }
    contents.on('will-navigate', refuseNavigation)
    contents.on('will-redirect', refuseNavigation)
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) {
        void shell.openExternal(url)
      } else {
        log(`blocked window.open of ${url}`)
      }
      return { action: 'deny' }
    })
  })
}

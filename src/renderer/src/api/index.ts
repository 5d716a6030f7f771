import type { ConsoleApi } from '../../../shared/console/api'
import { wrapElectronApi } from './electron-client'
import { createHttpConsoleApi } from './http-client'

export { ConsoleCallError, toConsoleCallError } from './errors'
export { createHttpConsoleApi, type HttpConsoleApiOptions } from './http-client'

let instance: ConsoleApi | null = null

/**
 * The ConsoleApi of this page, whichever transport carries it: the Electron preload's
 * `window.controldeck` when present, else browser mode's HTTP/SSE on this page's origin. In browser
 * mode the page holds no secret: the server signed this browser in with an HttpOnly cookie when it
 * opened the one-time address `controldeck serve` printed, and every request carries that cookie.
 * Every call rejects with a ConsoleCallError whose message is a sentence to show.
 */
export function getConsoleApi(): ConsoleApi {
  if (!instance) {
    instance = window.controldeck
      ? wrapElectronApi(window.controldeck)
      : createHttpConsoleApi({ origin: window.location.origin })
  }
  return instance
}

/** Which transport getConsoleApi uses in this page. */
export function consoleTransport(): 'electron' | 'browser' {
  return window.controldeck ? 'electron' : 'browser'
}

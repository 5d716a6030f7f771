import type { ConsoleApi } from '../../../shared/console/api'
import { wrapElectronApi } from './electron-client'
import { createHttpConsoleApi } from './http-client'
import { takeBrowserToken } from './token'

export { ConsoleCallError, toConsoleCallError } from './errors'
export { createHttpConsoleApi, type HttpConsoleApiOptions } from './http-client'

let instance: ConsoleApi | null = null

/**
 * The ConsoleApi of this page, whichever transport carries it: the Electron preload's
 * `window.controldeck` when present, else browser mode's HTTP/SSE on this page's origin.
 * Every call rejects with a ConsoleCallError whose message is a sentence to show.
 */
export function getConsoleApi(): ConsoleApi {
  if (!instance) {
    instance = window.controldeck
      ? wrapElectronApi(window.controldeck)
      : createHttpConsoleApi({ origin: window.location.origin, token: takeBrowserToken() })
  }
  return instance
}

/** Which transport getConsoleApi uses in this page. */
export function consoleTransport(): 'electron' | 'browser' {
  return window.controldeck ? 'electron' : 'browser'
}

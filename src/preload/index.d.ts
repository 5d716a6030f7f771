import type { ConsoleApi } from '../shared/console/api'

declare global {
  interface Window {
    /**
     * ConsoleApi as exposed by the Electron preload; absent in browser mode. Use
     * `getConsoleApi()` from src/renderer/src/api rather than this directly: it also normalises
     * errors and falls back to the HTTP transport.
     */
    readonly controldeck?: ConsoleApi
  }
}

export {}

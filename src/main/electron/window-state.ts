import { screen, type BrowserWindow } from 'electron'
import type { ServiceLog } from '../services/console-service'
import {
  pageOfUrl,
  placeWindow,
  WindowStateFile,
  type Rect,
  type WindowState
} from '../services/desktop/window-state'

/** Where and how the main window opens this time. */
export interface WindowPlacement {
  readonly bounds: Rect
  readonly maximized: boolean
  readonly fullScreen: boolean
  /** The page shown when the app was last closed (`#/audit`), or null for the default page. */
  readonly page: string | null
}

/** The saved state checked against the displays connected now (see placeWindow). */
export function loadPlacement(file: WindowStateFile, log: ServiceLog): WindowPlacement {
  const { state, problem } = file.load()
  if (problem) log(problem)
  const workAreas = screen.getAllDisplays().map((display) => display.workArea)
  return {
    bounds: placeWindow(state.bounds, workAreas),
    maximized: state.maximized,
    fullScreen: state.fullScreen,
    page: state.lastPage
  }
}

/**
 * Remembers the window's normal bounds, maximized and full-screen state and the page it shows,
 * and writes them when the window closes (and once more from `flush`, at quit).
 */
export function trackWindowState(
  window: BrowserWindow,
  file: WindowStateFile,
  log: ServiceLog
): { flush(): void } {
  let state: WindowState = file.load().state
  const capture = () => {
    if (window.isDestroyed()) return
    state = {
      ...state,
      // Normal bounds: a maximized window reopens maximized over the size it had before.
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized(),
      fullScreen: window.isFullScreen()
    }
  }
  const flush = () => {
    try {
      file.save(state)
    } catch (error) {
      log('the window state could not be saved', error)
    }
  }
  window.webContents.on('did-navigate-in-page', (_event: unknown, url: string) => {
    state = { ...state, lastPage: pageOfUrl(url) ?? state.lastPage }
  })
  window.on('close', () => {
    capture()
    flush()
  })
  return {
    flush: () => {
      capture()
      flush()
    }
  }
}

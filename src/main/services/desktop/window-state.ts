import path from 'node:path'
import { z } from 'zod'
import { isConsolePageId, type ConsolePageId } from '../../../shared/console/pages'
import { readJsonFile, writeJsonFile } from './json-file'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const Int = z.number().int().min(-100_000).max(100_000)

/** `<dataDir>/window-state.json`: the main window's place and the page it showed. */
export const WindowStateSchema = z.object({
  version: z.literal(1),
  bounds: z.object({ x: Int, y: Int, width: Int.min(1), height: Int.min(1) }).nullable(),
  maximized: z.boolean(),
  fullScreen: z.boolean().default(false),
  lastPage: z.string().max(40).nullable()
})
export type WindowState = z.infer<typeof WindowStateSchema>

export const DEFAULT_WINDOW_STATE: WindowState = {
  version: 1,
  bounds: null,
  maximized: false,
  fullScreen: false,
  lastPage: null
}

/** The window's default and smallest size (as the window is created with). */
export const WINDOW_SIZE = { width: 1360, height: 860, minWidth: 960, minHeight: 600 }

/** A title bar this tall and this wide must be on a screen, or the window cannot be grabbed. */
const GRAB = { width: 120, height: 40 }

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  return {
    x,
    y,
    width: Math.min(a.x + a.width, b.x + b.width) - x,
    height: Math.min(a.y + a.height, b.y + b.height) - y
  }
}

/**
 * Where the window opens, given the saved bounds and the displays' work areas now: the saved
 * place when enough of its title bar is on one display (a monitor unplugged since must not leave
 * it off-screen), shrunk to fit that display; else the default size centred on the first display.
 */
export function placeWindow(saved: Rect | null, workAreas: readonly Rect[]): Rect {
  const primary = workAreas[0] ?? {
    x: 0,
    y: 0,
    width: WINDOW_SIZE.width,
    height: WINDOW_SIZE.height
  }
  if (saved) {
    const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: GRAB.height }
    const home = workAreas.find((area) => {
      const o = overlap(titleBar, area)
      return o.width >= GRAB.width && o.height >= GRAB.height
    })
    if (home) {
      const width = Math.max(
        Math.min(saved.width, home.width),
        Math.min(WINDOW_SIZE.minWidth, home.width)
      )
      const height = Math.max(
        Math.min(saved.height, home.height),
        Math.min(WINDOW_SIZE.minHeight, home.height)
      )
      // Pulled inside the display where it would stick out.
      const x = Math.min(Math.max(saved.x, home.x), home.x + home.width - width)
      const y = Math.min(Math.max(saved.y, home.y), home.y + home.height - height)
      return { x, y, width, height }
    }
  }
  const width = Math.min(WINDOW_SIZE.width, primary.width)
  const height = Math.min(WINDOW_SIZE.height, primary.height)
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height
  }
}

/** The page id of a renderer URL's hash route (`…index.html#/audit?x=1` → audit), or null. */
export function pageOfUrl(url: string): ConsolePageId | null {
  const hash = url.includes('#') ? url.slice(url.indexOf('#') + 1) : ''
  const first = hash.replace(/^\/+/, '').split(/[/?]/)[0]
  return isConsolePageId(first) ? first : null
}

/** Reads and writes `window-state.json` in `dataDir`. */
export class WindowStateFile {
  readonly file: string

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'window-state.json')
  }

  /** The saved state, or the default with the problem (damaged file) to log. */
  load(): { state: WindowState; problem: string | null } {
    const { value, problem } = readJsonFile(this.file, WindowStateSchema, DEFAULT_WINDOW_STATE)
    const lastPage = value.lastPage && isConsolePageId(value.lastPage) ? value.lastPage : null
    return { state: { ...value, lastPage }, problem }
  }

  save(state: WindowState): void {
    writeJsonFile(this.file, state)
  }
}

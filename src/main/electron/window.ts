import { BrowserWindow } from 'electron'
import { fileURLToPath } from 'node:url'
import { WINDOW_SIZE } from '../services/desktop/window-state'
import type { TrustedSenders } from './trusted-senders'
import type { AppLocation } from './urls'
import type { WindowPlacement } from './window-state'

/**
 * Opens the console window: isolated, sandboxed, no Node in the page, the bundled CommonJS preload
 * as the only bridge. The window is registered as a trusted IPC sender before the page loads.
 */
export async function createMainWindow(
  location: AppLocation,
  trusted: TrustedSenders,
  placement: WindowPlacement
): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    ...placement.bounds,
    minWidth: WINDOW_SIZE.minWidth,
    minHeight: WINDOW_SIZE.minHeight,
    show: false,
    title: 'ControlDeck',
    backgroundColor: '#111418',
    autoHideMenuBar: true,
    // Linux and Windows show it in the task bar; macOS takes the bundle's icon.
    icon: fileURLToPath(new URL('../../resources/icon.png', import.meta.url)),
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
      spellcheck: false
    }
  })
  trusted.add(window.webContents)
  window.once('ready-to-show', () => {
    if (placement.maximized) window.maximize()
    if (placement.fullScreen) window.setFullScreen(true)
    window.show()
  })
  // The page shown last time, as a hash route; a launch deep link, if any, follows once it boots.
  const hash = placement.page ? `#/${placement.page}` : ''
  await window.loadURL(
    location.kind === 'dev' ? `${location.origin}/${hash}` : `${location.indexUrl}${hash}`
  )
  return window
}

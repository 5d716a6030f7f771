import { BrowserWindow } from 'electron'
import { fileURLToPath } from 'node:url'
import type { TrustedSenders } from './trusted-senders'
import type { AppLocation } from './urls'

/**
 * Opens the console window: isolated, sandboxed, no Node in the page, the bundled CommonJS preload
 * as the only bridge. The window is registered as a trusted IPC sender before the page loads.
 */
export async function createMainWindow(
  location: AppLocation,
  trusted: TrustedSenders
): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
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
  window.once('ready-to-show', () => window.show())
  if (location.kind === 'dev') {
    await window.loadURL(location.origin)
  } else {
    await window.loadURL(location.indexUrl)
  }
  return window
}

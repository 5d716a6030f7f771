// The Electron main process: app lifecycle, the one window, IPC, deep links, and the desktop shell
// around them (menu, notifications, tray, window state). The only layer that imports 'electron';
// everything it serves and decides comes from src/main/services.
import { app, BrowserWindow, clipboard, dialog } from 'electron'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createConsoleService, logToStderr, type ConsoleService } from '../services/console-service'
import { APP_VERSION, defaultDataDir } from '../services/context'
import { localEngineOf, startEngineHost, type EngineHost } from '../services/engine-host'
import { installLastResort } from '../services/last-resort'
import { RecentErrors } from '../services/desktop/diagnostics'
import { WindowStateFile } from '../services/desktop/window-state'
import { selectSqliteAddon } from '../services/native/sqlite-binding'
import { startDesktopShell } from './desktop-shell'
import { createFileDialogs } from './file-dialogs'
import { registerConsoleIpc } from './ipc'
import { hardenAllWebContents, hardenSession } from './security'
import { TrustedSenders } from './trusted-senders'
import { DEEP_LINK_SCHEME, findDeepLinkArg, parseDeepLink, rendererLocation } from './urls'
import { startUpdater } from './updater'
import { createMainWindow } from './window'
import { loadPlacement, trackWindowState } from './window-state'

let engine: EngineHost | null = null
// The last errors, for Help > Copy Diagnostics (redacted; the engine's token removed verbatim).
const recentErrors = new RecentErrors(20, () => (engine ? [engine.adminToken] : []))

function log(message: string, details?: unknown): void {
  recentErrors.add(message, details)
  logToStderr(message, details)
}

const dataDir = defaultDataDir()
// The engine runs in this process: a stray exception is logged, not a quit of console and engine.
installLastResort(log)
app.setName('ControlDeck')
// Chromium's own files sit beside ours; $CONTROLDECK_DATA_DIR therefore isolates a whole instance
// (tests run one next to the operator's console that way, single-instance lock included).
app.setPath('userData', path.join(dataDir, 'electron'))

const rendererIndexUrl = pathToFileURL(
  fileURLToPath(new URL('../renderer/index.html', import.meta.url))
).href
const { location, ignored: ignoredDevUrl } = rendererLocation(
  process.env,
  app.isPackaged,
  rendererIndexUrl
)
if (ignoredDevUrl) log(ignoredDevUrl)

const windowStateFile = new WindowStateFile(dataDir)
let service: ConsoleService | null = null
let mainWindow: BrowserWindow | null = null
let windowState: { flush(): void } | null = null
let trusted: TrustedSenders | null = null
let disposeIpc: (() => void) | null = null
let disposeShell: (() => void) | null = null
let pendingDeepLink: string | null = findDeepLinkArg(process.argv)

function deliverDeepLink(linkPath: string): void {
  if (service) service.context.events.emit('onDeepLink', { path: linkPath })
  else pendingDeepLink = linkPath
}

function focusWindow(): void {
  if (!mainWindow) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.focus()
}

/**
 * node_modules holds better-sqlite3 built for Node; an unpackaged Electron loads the build that
 * `npm start` made for its version (a packaged app carries the packager's own). Before any open.
 */
function chooseSqliteAddon(): void {
  try {
    const message = selectSqliteAddon({
      electronVersion: process.versions.electron,
      isPackaged: app.isPackaged,
      arch: process.arch,
      platform: process.platform
    })
    if (message) log(message)
  } catch (error) {
    log('could not look for an Electron build of better-sqlite3', error)
  }
}

async function startServices(): Promise<ConsoleService> {
  chooseSqliteAddon()
  try {
    engine = await startEngineHost({ dataDir, log })
  } catch (error) {
    // Most often better-sqlite3 built for Node instead of Electron (no build for this Electron
    // yet: `npm start` makes one). The console still works against remote environments.
    const abi = error instanceof Error && error.message.includes('NODE_MODULE_VERSION')
    log(
      abi
        ? 'the embedded engine did not start: better-sqlite3 is built for Node, not this Electron ' +
            '(start the app with `npm start`, which builds one); continuing without it'
        : 'the embedded engine did not start; continuing without it',
      error
    )
  }
  const started = createConsoleService({
    dataDir,
    transport: 'electron',
    appVersion: APP_VERSION,
    localEngine: localEngineOf(engine),
    launchDeepLink: pendingDeepLink ?? undefined,
    files: createFileDialogs(() => mainWindow),
    // Secrets the user copies (the OTLP ingest token) go to the clipboard from here, not the page.
    writeClipboard: (text) => clipboard.writeText(text),
    log
  })
  pendingDeepLink = null
  return started
}

async function openWindow(senders: TrustedSenders): Promise<void> {
  const window = await createMainWindow(location, senders, loadPlacement(windowStateFile, log))
  mainWindow = window
  windowState = trackWindowState(window, windowStateFile, log)
  window.on('closed', () => {
    if (mainWindow === window) {
      mainWindow = null
      windowState = null
    }
  })
}

/** Brings the window forward, or opens it again (macOS keeps the app running without one). */
function showWindow(): void {
  if (mainWindow) {
    if (!mainWindow.isVisible()) mainWindow.show()
    focusWindow()
  } else if (trusted) {
    void openWindow(trusted)
  }
}

/** Help > Check for Updates…: the auto-updater plugs in here; until then it says so. */
/** Help > Check for Updates: runs a check now and says where it stands (the banner follows). */
function checkForUpdates(): void {
  if (!service) return
  void service.context.updates.check().then((state) => {
    const detail =
      state.status === 'disabled'
        ? state.reason
        : `ControlDeck ${APP_VERSION}: ${state.status.replace(/_/g, ' ')}.`
    void dialog.showMessageBox({ type: 'info', message: 'Updates', detail })
  })
}

async function main(): Promise<void> {
  // Registering a protocol handler changes the desktop's settings; a development checkout or a
  // test run must not do that unless asked to.
  if (app.isPackaged || process.env.CONTROLDECK_REGISTER_PROTOCOL === '1') {
    if (process.defaultApp && process.argv[1]) {
      app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [
        path.resolve(process.argv[1])
      ])
    } else {
      app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)
    }
  }
  // macOS delivers links as events, possibly before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault()
    const linkPath = parseDeepLink(url)
    if (linkPath) deliverDeepLink(linkPath)
  })
  app.on('second-instance', (_event, argv) => {
    const linkPath = findDeepLinkArg(argv)
    if (linkPath) deliverDeepLink(linkPath)
    focusWindow()
  })
  hardenAllWebContents(location, (message) => log(message))

  await app.whenReady()
  hardenSession(location)
  service = await startServices()
  startUpdater(service, log)
  const senders = new TrustedSenders(location)
  trusted = senders
  disposeIpc = registerConsoleIpc(service, senders, log)
  disposeShell = startDesktopShell({
    service,
    appVersion: APP_VERSION,
    developer: !app.isPackaged,
    showWindow,
    deliverDeepLink,
    recentErrors,
    knownSecrets: () => (engine ? [engine.adminToken] : []),
    engineRunning: engine !== null,
    checkForUpdates,
    log
  })
  await openWindow(senders)

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow(senders)
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let cleanedUp = false
let cleaning = false
app.on('before-quit', (event) => {
  if (cleanedUp) return
  // Close the services and the engine (SQLite checkpoint) before Electron exits.
  event.preventDefault()
  if (cleaning) return
  cleaning = true
  void (async () => {
    try {
      windowState?.flush()
      disposeShell?.()
      disposeIpc?.()
      await service?.dispose()
      await engine?.close()
    } catch (error) {
      log('shutdown did not finish cleanly', error)
    } finally {
      cleanedUp = true
      app.quit()
    }
  })()
})

if (!app.requestSingleInstanceLock()) {
  // Another console runs with this data folder; it received our argv (and any deep link).
  app.quit()
} else {
  main().catch((error: unknown) => {
    log('ControlDeck could not start', error)
    app.exit(1)
  })
}

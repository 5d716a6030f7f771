// The Electron main process: app lifecycle, the one window, IPC, deep links. The only layer that
// imports 'electron'; everything it serves comes from src/main/services.
import { app, BrowserWindow, clipboard } from 'electron'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  createConsoleService,
  logToStderr as log,
  type ConsoleService
} from '../services/console-service'
import { APP_VERSION, defaultDataDir } from '../services/context'
import { localEngineOf, startEngineHost, type EngineHost } from '../services/engine-host'
import { installLastResort } from '../services/last-resort'
import { registerConsoleIpc } from './ipc'
import { hardenAllWebContents, hardenSession } from './security'
import { TrustedSenders } from './trusted-senders'
import { DEEP_LINK_SCHEME, findDeepLinkArg, parseDeepLink, type AppLocation } from './urls'
import { createMainWindow } from './window'

const dataDir = defaultDataDir()
// The engine runs in this process: a stray exception is logged, not a quit of console and engine.
installLastResort(log)
app.setName('ControlDeck')
// Chromium's own files sit beside ours; $CONTROLDECK_DATA_DIR therefore isolates a whole instance
// (tests run one next to the operator's console that way, single-instance lock included).
app.setPath('userData', path.join(dataDir, 'electron'))

const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const location: AppLocation = devUrl
  ? { kind: 'dev', origin: new URL(devUrl).origin }
  : {
      kind: 'file',
      indexUrl: pathToFileURL(
        fileURLToPath(new URL('../renderer/index.html', import.meta.url))
      ).href
    }

let service: ConsoleService | null = null
let engine: EngineHost | null = null
let mainWindow: BrowserWindow | null = null
let disposeIpc: (() => void) | null = null
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

async function startServices(): Promise<ConsoleService> {
  try {
    engine = await startEngineHost({ dataDir, log })
  } catch (error) {
    // Most often better-sqlite3 built for Node instead of Electron (`npm run rebuild:electron`).
    // The console still works against remote environments.
    const abi = error instanceof Error && error.message.includes('NODE_MODULE_VERSION')
    log(
      abi
        ? 'the embedded engine did not start: better-sqlite3 is built for Node, not Electron ' +
            '(run `npm run rebuild:electron`); continuing without it'
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
    // Secrets the user copies (the OTLP ingest token) go to the clipboard from here, not the page.
    writeClipboard: (text) => clipboard.writeText(text),
    log
  })
  pendingDeepLink = null
  return started
}

async function openWindow(trusted: TrustedSenders): Promise<void> {
  mainWindow = await createMainWindow(location, trusted)
  mainWindow.on('closed', () => {
    mainWindow = null
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
  const trusted = new TrustedSenders(location)
  disposeIpc = registerConsoleIpc(service, trusted, log)
  await openWindow(trusted)

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow(trusted)
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

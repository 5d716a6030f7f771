// A stand-in for the 'electron' module, for tests that run the real main-process code under Node
// (no Electron binary can be downloaded on most CI machines). It implements the slice of Electron's
// main-process API that src/main/electron uses, records what the code does with it (app events,
// window options, IPC handlers, session settings, menus, notifications, tray, clipboard, shell) and
// lets a test drive it (ready, second instance, open-url, IPC calls from a chosen frame, clicks,
// closing windows, quitting). Electron is a boundary we do not own; nothing of ours is replaced.
//
// Use: `vi.mock('electron', () => import('./testing/electron-stand-in'))`, then `standIn()` for the
// recorder/driver. State lives on globalThis so that a module re-evaluated after
// `vi.resetModules()` still shares it with the test; `resetStandIn()` starts a fresh app.
import { EventEmitter } from 'node:events'

// ---- shared state

/** A recorded main-process action that has no object of its own (clipboard, shell, dialogs). */
export interface Recorded {
  readonly what: string
  readonly args: readonly unknown[]
}

/** A display as `screen` reports it. */
export interface StandInDisplay {
  id: number
  bounds: Rectangle
  workArea: Rectangle
  scaleFactor: number
}

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

interface State {
  app: StandInApp
  windows: BrowserWindow[]
  contents: StandInWebContents[]
  handlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>
  headersListener:
    | ((
        details: HeadersDetails,
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void
      ) => void)
    | null
  permissionRequest:
    | ((
        contents: unknown,
        permission: string,
        callback: (granted: boolean) => void,
        details: { requestingUrl: string }
      ) => void)
    | null
  permissionCheck:
    | ((
        contents: unknown,
        permission: string,
        origin: string,
        details: { requestingUrl?: string }
      ) => boolean)
    | null
  session: EventEmitter
  applicationMenu: StandInMenu | null
  notifications: Notification[]
  trays: Tray[]
  displays: StandInDisplay[]
  clipboardText: string
  /** The path the next open/save dialog answers with; null: the operator cancels. */
  dialogPath: string | null
  calls: Recorded[]
  nextId: number
}

const KEY = Symbol.for('controldeck.electron-stand-in')
type GlobalWithState = typeof globalThis & { [KEY]?: State }

function freshState(): State {
  return {
    app: new StandInApp(),
    windows: [],
    contents: [],
    handlers: new Map(),
    headersListener: null,
    permissionRequest: null,
    permissionCheck: null,
    session: new EventEmitter(),
    applicationMenu: null,
    notifications: [],
    trays: [],
    displays: [
      {
        id: 1,
        bounds: { x: 0, y: 0, width: 1920, height: 1080 },
        workArea: { x: 0, y: 0, width: 1920, height: 1050 },
        scaleFactor: 1
      }
    ],
    clipboardText: '',
    dialogPath: null,
    calls: [],
    nextId: 1
  }
}

function state(): State {
  const g = globalThis as GlobalWithState
  if (!g[KEY]) g[KEY] = freshState()
  return g[KEY]
}

function record(what: string, ...args: unknown[]): void {
  state().calls.push({ what, args })
}

/** Starts a fresh app (no windows, no handlers, nothing recorded). Call before importing the entry. */
export function resetStandIn(): void {
  ;(globalThis as GlobalWithState)[KEY] = freshState()
}

// ---- app

/** Electron's event object for events that can be prevented. */
class PreventableEvent {
  defaultPrevented = false
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

/** `app`: lifecycle, paths, single-instance lock and protocol registration, recorded. */
export class StandInApp extends EventEmitter {
  isPackaged = false
  name = 'Electron'
  readonly paths = new Map<string, string>()
  readonly protocolClients: unknown[][] = []
  /** What `requestSingleInstanceLock` answers (false = another instance holds it). */
  hasLock = true
  ready = false
  /** True once the app really quit (`before-quit` was not prevented) or exited. */
  quitted = false
  exitCode: number | null = null
  private readyWaiters: Array<() => void> = []

  setName(name: string): void {
    this.name = name
  }
  getName(): string {
    return this.name
  }
  getVersion(): string {
    return '45.0.0-stand-in'
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value)
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? `/stand-in/${name}`
  }
  isReady(): boolean {
    return this.ready
  }
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve()
    return new Promise((resolve) => this.readyWaiters.push(resolve))
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock
  }
  setAsDefaultProtocolClient(...args: unknown[]): boolean {
    this.protocolClients.push(args)
    return true
  }
  focus(): void {
    record('app.focus')
  }
  /** Emits `before-quit`; unless a listener prevents it, the app quits (`will-quit`, `quit`). */
  quit(): void {
    if (this.quitted) return
    const event = new PreventableEvent()
    this.emit('before-quit', event)
    if (event.defaultPrevented) return
    const willQuit = new PreventableEvent()
    this.emit('will-quit', willQuit)
    if (willQuit.defaultPrevented) return
    this.quitted = true
    this.emit('quit', new PreventableEvent(), 0)
  }
  exit(code = 0): void {
    this.exitCode = code
    this.quitted = true
  }

  // -- drivers

  /** Fires `ready` (and resolves `whenReady`), as Electron does once it has initialised. */
  emitReady(): void {
    this.ready = true
    const waiters = this.readyWaiters
    this.readyWaiters = []
    for (const resolve of waiters) resolve()
    this.emit('ready', new PreventableEvent(), {})
  }
  /** Another instance started with `argv` (Electron hands it to the first instance). */
  emitSecondInstance(argv: string[], workingDirectory = process.cwd()): void {
    this.emit('second-instance', new PreventableEvent(), argv, workingDirectory, {})
  }
  /** macOS hands a URL to the running app. Returns whether the app handled it (prevented default). */
  emitOpenUrl(url: string): boolean {
    const event = new PreventableEvent()
    this.emit('open-url', event, url)
    return event.defaultPrevented
  }
  emitActivate(): void {
    this.emit('activate', new PreventableEvent(), BrowserWindow.getAllWindows().length > 0)
  }
}

// ---- webContents and windows

/** A frame as `senderFrame` describes it. */
export interface StandInFrame {
  url: string
  parent: StandInFrame | null
}

/** What a test's `navigate` reports. */
export interface NavigationOutcome {
  prevented: boolean
}

/** A window's page: URL, IPC sends, guards (navigation, window.open) the app installed. */
export class StandInWebContents extends EventEmitter {
  readonly id: number
  readonly mainFrame: StandInFrame = { url: '', parent: null }
  readonly sent: Array<{ channel: string; args: unknown[] }> = []
  windowOpenHandler:
    | ((details: { url: string; frameName: string; features: string; disposition: string }) => {
        action: string
      })
    | null = null
  private destroyed = false

  constructor() {
    super()
    this.id = state().nextId++
    state().contents.push(this)
  }

  getURL(): string {
    return this.mainFrame.url
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isLoading(): boolean {
    return false
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    this.sent.push({ channel, args })
  }
  setWindowOpenHandler(handler: StandInWebContents['windowOpenHandler']): void {
    this.windowOpenHandler = handler
  }
  focus(): void {}
  openDevTools(): void {
    record('webContents.openDevTools', this.id)
  }
  toggleDevTools(): void {
    record('webContents.toggleDevTools', this.id)
  }
  reload(): void {
    record('webContents.reload', this.id)
  }
  setZoomLevel(level: number): void {
    record('webContents.setZoomLevel', this.id, level)
  }
  getZoomLevel(): number {
    return 0
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    const list = state().contents
    list.splice(list.indexOf(this), 1)
    this.emit('destroyed')
  }

  // -- drivers

  /** The page asks to navigate to `url` (a link, `location.href = …`); the app may prevent it. */
  navigate(url: string): NavigationOutcome {
    const event = new PreventableEvent()
    this.emit('will-navigate', event, url)
    if (!event.defaultPrevented) this.mainFrame.url = url
    return { prevented: event.defaultPrevented }
  }
  /** The page changes its hash route (`#/audit`), which Electron reports as in-page navigation. */
  navigateInPage(url: string): void {
    this.mainFrame.url = url
    this.emit('did-navigate-in-page', new PreventableEvent(), url, true)
  }
  /** The page calls `window.open(url)`; returns the app's answer (or 'deny' when no handler). */
  openWindow(url: string): string {
    const answer = this.windowOpenHandler?.({
      url,
      frameName: '',
      features: '',
      disposition: 'new-window'
    })
    return answer?.action ?? 'allow'
  }
  /** Every ConsoleApi event pushed to this page, as [name, payload] pairs, oldest first. */
  pushedEvents(channel = 'cd:event'): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = []
    for (const message of this.sent) {
      if (message.channel !== channel) continue
      const batch = message.args[0]
      if (Array.isArray(batch)) for (const item of batch) out.push(item as [string, unknown])
    }
    return out
  }
}

/** `BrowserWindow`: its options are kept as given; loading a URL makes it ready to show. */
export class BrowserWindow extends EventEmitter {
  readonly id: number
  readonly options: Record<string, unknown>
  readonly webContents: StandInWebContents
  readonly loadedUrls: string[] = []
  private visible = false
  private focused = false
  private minimized = false
  private maximized = false
  private fullScreen = false
  private destroyed = false
  private bounds: Rectangle
  menu: unknown = undefined

  constructor(options: Record<string, unknown> = {}) {
    super()
    this.options = options
    this.id = state().nextId++
    this.bounds = {
      x: typeof options.x === 'number' ? options.x : 100,
      y: typeof options.y === 'number' ? options.y : 100,
      width: typeof options.width === 'number' ? options.width : 800,
      height: typeof options.height === 'number' ? options.height : 600
    }
    this.webContents = new StandInWebContents()
    state().windows.push(this)
    // Electron announces every webContents before the window uses it.
    state().app.emit('web-contents-created', new PreventableEvent(), this.webContents)
  }

  static getAllWindows(): BrowserWindow[] {
    return [...state().windows]
  }
  static getFocusedWindow(): BrowserWindow | null {
    return state().windows.find((w) => w.focused) ?? null
  }
  static fromWebContents(contents: unknown): BrowserWindow | null {
    return state().windows.find((w) => w.webContents === contents) ?? null
  }

  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url)
    this.webContents.mainFrame.url = url
    // After the caller's synchronous code, as a real load is.
    await Promise.resolve()
    this.webContents.emit('did-finish-load')
    this.emit('ready-to-show')
  }
  show(): void {
    this.visible = true
    this.focused = true
    this.emit('show')
  }
  hide(): void {
    this.visible = false
    this.emit('hide')
  }
  isVisible(): boolean {
    return this.visible
  }
  focus(): void {
    this.focused = true
    this.visible = true
    this.emit('focus')
  }
  isFocused(): boolean {
    return this.focused
  }
  minimize(): void {
    this.minimized = true
    this.focused = false
    this.emit('minimize')
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
    this.emit('restore')
  }
  maximize(): void {
    this.maximized = true
    this.emit('maximize')
  }
  unmaximize(): void {
    this.maximized = false
    this.emit('unmaximize')
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isFullScreen(): boolean {
    return this.fullScreen
  }
  setFullScreen(value: boolean): void {
    this.fullScreen = value
  }
  getBounds(): Rectangle {
    return { ...this.bounds }
  }
  getNormalBounds(): Rectangle {
    return { ...this.bounds }
  }
  setBounds(bounds: Partial<Rectangle>): void {
    this.bounds = { ...this.bounds, ...bounds }
    this.emit('resize')
    this.emit('move')
  }
  setMenu(menu: unknown): void {
    this.menu = menu
  }
  setTitle(title: string): void {
    this.options.title = title
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Closes as the operator would: `close` (preventable), then `closed`; the last one ends the app on Linux. */
  close(): void {
    if (this.destroyed) return
    const event = new PreventableEvent()
    this.emit('close', event)
    if (event.defaultPrevented) return
    this.destroy()
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    const list = state().windows
    list.splice(list.indexOf(this), 1)
    this.webContents.destroy()
    this.emit('closed')
    if (list.length === 0) state().app.emit('window-all-closed')
  }
}

export const webContents = {
  getAllWebContents(): StandInWebContents[] {
    return [...state().contents]
  },
  fromId(id: number): StandInWebContents | undefined {
    return state().contents.find((c) => c.id === id)
  },
  getFocusedWebContents(): StandInWebContents | null {
    return BrowserWindow.getFocusedWindow()?.webContents ?? null
  }
}

// ---- IPC

/** Where a test's IPC call comes from. */
export interface FakeSender {
  /** The window's page (its id is what the app trusts). */
  contents: StandInWebContents
  /** URL of the calling frame; the page's own URL by default. */
  frameUrl?: string
  /** False for a call from an iframe inside the page. */
  topFrame?: boolean
}

export const ipcMain = {
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (state().handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    }
    state().handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    state().handlers.delete(channel)
  },
  on(): void {
    throw new Error('the stand-in supports only ipcMain.handle (the app uses invoke, never send)')
  }
}

/** The channels with a handler, and a way to call one as a page would (`ipcRenderer.invoke`). */
export const ipc = {
  channels(): string[] {
    return [...state().handlers.keys()]
  },
  async invoke(channel: string, from: FakeSender, ...args: unknown[]): Promise<unknown> {
    const handler = state().handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    const url = from.frameUrl ?? from.contents.mainFrame.url
    const senderFrame: StandInFrame =
      from.topFrame === false ? { url, parent: from.contents.mainFrame } : { url, parent: null }
    return handler({ sender: from.contents, senderFrame, processId: 1, frameId: 1 }, ...args)
  }
}

// ---- session

interface HeadersDetails {
  url: string
  resourceType?: string
  responseHeaders?: Record<string, string[]>
}

const webRequest = {
  onHeadersReceived(listener: State['headersListener']): void {
    state().headersListener = listener
  }
}

class StandInSession {
  readonly webRequest = webRequest
  setPermissionRequestHandler(handler: State['permissionRequest']): void {
    state().permissionRequest = handler
  }
  setPermissionCheckHandler(handler: State['permissionCheck']): void {
    state().permissionCheck = handler
  }
  on(event: string, listener: (...args: unknown[]) => void): this {
    state().session.on(event, listener)
    return this
  }
  setSpellCheckerEnabled(): void {}
}

export const session = { defaultSession: new StandInSession() }

/** Drivers of the session's handlers, as Chromium would call them. */
export const network = {
  /** The headers a response for `url` leaves the network stack with, after the app's listener. */
  async responseHeaders(
    url: string,
    headers: Record<string, string[]> = {}
  ): Promise<Record<string, string[]>> {
    const listener = state().headersListener
    if (!listener) return headers
    return new Promise((resolve) =>
      listener({ url, resourceType: 'mainFrame', responseHeaders: headers }, (response) =>
        resolve(response.responseHeaders ?? headers)
      )
    )
  },
  /** Whether a page at `url` asking for `permission` gets it (null: no handler installed). */
  async requestPermission(permission: string, url: string): Promise<boolean | null> {
    const handler = state().permissionRequest
    if (!handler) return null
    return new Promise((resolve) => handler(null, permission, resolve, { requestingUrl: url }))
  },
  checkPermission(permission: string, url: string): boolean | null {
    const handler = state().permissionCheck
    if (!handler) return null
    return handler(null, permission, new URL(url).origin, { requestingUrl: url })
  },
  /** A download of `url` started by `contents`; returns whether the app cancelled it. */
  download(url: string, contents: StandInWebContents): boolean {
    const event = new PreventableEvent()
    state().session.emit('will-download', event, { getURL: () => url }, contents)
    return event.defaultPrevented
  }
}

export const protocol = {
  registerSchemesAsPrivileged(...args: unknown[]): void {
    record('protocol.registerSchemesAsPrivileged', ...args)
  },
  handle(...args: unknown[]): void {
    record('protocol.handle', ...args)
  }
}

// ---- menus

/** One item of a menu template, as the app built it (click handlers included). */
export interface StandInMenuItem {
  label?: string
  role?: string
  type?: string
  accelerator?: string
  enabled?: boolean
  checked?: boolean
  visible?: boolean
  submenu?: StandInMenuItem[] | StandInMenu
  click?: (item: unknown, window: unknown, event: unknown) => void
}

export class StandInMenu {
  constructor(readonly items: StandInMenuItem[]) {}
  popup(): void {}
}

export const Menu = {
  buildFromTemplate(template: StandInMenuItem[]): StandInMenu {
    return new StandInMenu(template)
  },
  setApplicationMenu(menu: StandInMenu | null): void {
    state().applicationMenu = menu
  },
  getApplicationMenu(): StandInMenu | null {
    return state().applicationMenu
  }
}

function itemsOf(submenu: StandInMenuItem['submenu']): StandInMenuItem[] {
  if (!submenu) return []
  return Array.isArray(submenu) ? submenu : submenu.items
}

/** Finds a menu item by its labels from the top (`['Go', 'Audit']`), or null. */
export function findMenuItem(
  menu: StandInMenu | null,
  labels: readonly string[]
): StandInMenuItem | null {
  let items = menu ? menu.items : []
  let found: StandInMenuItem | null = null
  for (const label of labels) {
    found = items.find((item) => item.label === label) ?? null
    if (!found) return null
    items = itemsOf(found.submenu)
  }
  return found
}

/** Clicks a menu item as the operator would (focused window passed along, as Electron does). */
export function clickMenuItem(menu: StandInMenu | null, labels: readonly string[]): void {
  const item = findMenuItem(menu, labels)
  if (!item) throw new Error(`no menu item ${labels.join(' > ')}`)
  if (!item.click) throw new Error(`menu item ${labels.join(' > ')} has no click handler`)
  // Electron flips a checkbox (and checks a radio item) before it calls click.
  if (item.type === 'checkbox') item.checked = !item.checked
  if (item.type === 'radio') item.checked = true
  item.click(item, BrowserWindow.getFocusedWindow() ?? undefined, {})
}

// ---- notifications, tray, images

export class Notification extends EventEmitter {
  readonly options: { title?: string; body?: string; silent?: boolean; urgency?: string }
  shown = false
  closed = false

  constructor(options: Notification['options'] = {}) {
    super()
    this.options = options
    state().notifications.push(this)
  }
  static isSupported(): boolean {
    return true
  }
  show(): void {
    this.shown = true
    this.emit('show')
  }
  close(): void {
    this.closed = true
    this.emit('close')
  }
  /** The operator clicks the notification. */
  click(): void {
    this.emit('click')
  }
}

export class Tray extends EventEmitter {
  image: unknown
  toolTip = ''
  title = ''
  contextMenu: StandInMenu | null = null
  destroyed = false

  constructor(image: unknown) {
    super()
    this.image = image
    state().trays.push(this)
  }
  setImage(image: unknown): void {
    this.image = image
  }
  setToolTip(text: string): void {
    this.toolTip = text
  }
  setTitle(text: string): void {
    this.title = text
  }
  setContextMenu(menu: StandInMenu | null): void {
    this.contextMenu = menu
  }
  destroy(): void {
    this.destroyed = true
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

/** A native image; the stand-in only remembers where it came from. */
export interface StandInImage {
  readonly path: string | null
  isEmpty(): boolean
  resize(options: unknown): StandInImage
  setTemplateImage(value: boolean): void
}

function image(path: string | null): StandInImage {
  return {
    path,
    isEmpty: () => path === null,
    resize: () => image(path),
    setTemplateImage: () => undefined
  }
}

export const nativeImage = {
  createFromPath(path: string): StandInImage {
    return image(path)
  },
  createEmpty(): StandInImage {
    return image(null)
  }
}

// ---- screen, clipboard, shell, dialog

export const screen = {
  getAllDisplays(): StandInDisplay[] {
    return state().displays.map((d) => ({ ...d }))
  },
  getPrimaryDisplay(): StandInDisplay {
    const [primary] = state().displays
    if (!primary) throw new Error('The stand-in screen has no display (a test removed them all)')
    return { ...primary }
  }
}

export const clipboard = {
  writeText(text: string): void {
    state().clipboardText = text
    record('clipboard.writeText', text)
  },
  readText(): string {
    return state().clipboardText
  }
}

export const shell = {
  async openExternal(url: string): Promise<void> {
    record('shell.openExternal', url)
  },
  async openPath(path: string): Promise<string> {
    record('shell.openPath', path)
    return ''
  },
  showItemInFolder(path: string): void {
    record('shell.showItemInFolder', path)
  }
}

export const dialog = {
  async showMessageBox(
    ...args: unknown[]
  ): Promise<{ response: number; checkboxChecked: boolean }> {
    record('dialog.showMessageBox', ...args)
    return { response: 0, checkboxChecked: false }
  },
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', title, content)
  },
  async showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    record('dialog.showOpenDialog', ...args)
    const chosen = state().dialogPath
    return chosen === null
      ? { canceled: true, filePaths: [] }
      : { canceled: false, filePaths: [chosen] }
  },
  async showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath: string }> {
    record('dialog.showSaveDialog', ...args)
    const chosen = state().dialogPath
    return chosen === null
      ? { canceled: true, filePath: '' }
      : { canceled: false, filePath: chosen }
  }
}

// ---- the test's view

/** Everything the stand-in recorded, and the app to drive. */
export function standIn() {
  const s = state()
  return {
    app: s.app,
    windows: s.windows,
    notifications: s.notifications,
    trays: s.trays,
    get applicationMenu() {
      return s.applicationMenu
    },
    get clipboardText() {
      return s.clipboardText
    },
    calls: s.calls,
    /** The file the operator picks in the next open or save dialog (null: cancels it). */
    chooseInDialog(path: string | null): void {
      s.dialogPath = path
    },
    /** Replaces the displays `screen` reports (e.g. a monitor was unplugged). */
    setDisplays(displays: StandInDisplay[]): void {
      s.displays = displays
    }
  }
}

export const app = new Proxy({} as StandInApp, {
  get(_target, property) {
    const target = state().app
    const value = Reflect.get(target, property, target)
    return typeof value === 'function' ? value.bind(target) : value
  },
  set(_target, property, value) {
    return Reflect.set(state().app, property, value)
  }
})

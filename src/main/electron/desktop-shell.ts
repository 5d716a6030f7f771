import { clipboard, Menu, nativeImage, Notification, shell, Tray } from 'electron'
import { arch, release } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { ConnectionState, EnvironmentList } from '../../shared/console/domains/environments'
import type {
  ConsoleNotification,
  NotificationSettings
} from '../../shared/console/domains/notifications'
import type { CacheStatus } from '../../shared/console/domains/cache'
import type { ConsoleService, ServiceLog } from '../services/console-service'
import { diagnosticsText, type RecentErrors } from '../services/desktop/diagnostics'
import { installAppMenu, type MenuModel } from './menu'

/** What the desktop shell needs from the main process. */
export interface DesktopShellOptions {
  readonly service: ConsoleService
  readonly appVersion: string
  /** Reload and developer tools in the View menu (unpackaged runs only). */
  readonly developer: boolean
  /** Brings the window forward, opening it if it was closed (macOS keeps the app running). */
  showWindow(): void
  /** Hands a deep-link path to the renderer (menus and notifications navigate through it). */
  deliverDeepLink(path: string): void
  readonly recentErrors: RecentErrors
  /** Secrets this launch holds, never to appear in diagnostics (the engine's admin token). */
  knownSecrets(): string[]
  readonly engineRunning: boolean
  /** Help > Check for Updates… (the updater's entry point; until it exists, a no-op). */
  checkForUpdates(): void
  readonly log: ServiceLog
}

const STATUS_LABEL: Record<ConnectionState['status'], string> = {
  connecting: 'connecting',
  live: 'live',
  polling: 'connected (polling)',
  offline: 'offline',
  auth_failed: 'credential refused'
}

/**
 * The parts of a desktop app around the window: the application menu, native notifications
 * (decided by the services' NotificationPolicy, shown here; a click opens what it is about) and a
 * tray icon with the active environment's connection state, Show and Quit. Returns its teardown.
 */
export function startDesktopShell(o: DesktopShellOptions): () => void {
  let list: EnvironmentList | null = null
  let connection: ConnectionState | null = null
  let settings: NotificationSettings | null = null
  // Electron drops a notification's click handler once the object is garbage-collected.
  const shown = new Set<Notification>()
  let tray: Tray | null = null
  let disposed = false

  const invoke = async <T>(method: string, input: unknown = {}): Promise<T | null> => {
    try {
      return (await o.service.invoke(method, input)) as T
    } catch (error) {
      if (!disposed) o.log(`the desktop shell could not run ${method}`, error)
      return null
    }
  }

  const activeName = () =>
    list?.environments.find((env) => env.id === list?.activeId)?.name ?? 'no environment'

  function render(): void {
    if (disposed) return
    const activeId = list?.activeId ?? null
    const model: MenuModel = {
      platform: process.platform,
      appName: 'ControlDeck',
      version: o.appVersion,
      environments: list?.environments ?? [],
      activeId,
      notifyActive:
        settings?.environments.find((e) => e.environmentId === activeId)?.enabled ?? true,
      developer: o.developer
    }
    installAppMenu(model, {
      goTo: (page) => {
        o.showWindow()
        o.deliverDeepLink(page)
      },
      switchEnvironment: (id) => void invoke('switchEnvironment', { id }),
      addEnvironment: () => {
        o.showWindow()
        o.deliverDeepLink('environments')
      },
      setNotifyActive: (enabled) => {
        if (!activeId) return
        void invoke<NotificationSettings>('setEnvironmentNotifications', {
          environmentId: activeId,
          enabled
        }).then((next) => {
          if (next) settings = next
          render()
        })
      },
      openDataFolder: () => void shell.openPath(o.service.context.dataDir),
      copyDiagnostics: () => void copyDiagnostics(),
      checkForUpdates: () => o.checkForUpdates()
    })
    renderTray()
  }

  function renderTray(): void {
    if (!tray) return
    const status =
      connection && connection.environmentId === list?.activeId
        ? STATUS_LABEL[connection.status]
        : 'not connected'
    tray.setToolTip(`ControlDeck — ${activeName()}: ${status}`)
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: `${activeName()}: ${status}`, enabled: false },
        { type: 'separator' },
        { label: 'Show ControlDeck', click: () => o.showWindow() },
        { role: 'quit', label: 'Quit ControlDeck' }
      ])
    )
  }

  async function copyDiagnostics(): Promise<void> {
    const cache = await invoke<CacheStatus>('getCacheStatus')
    const text = diagnosticsText(
      {
        appVersion: o.appVersion,
        versions: process.versions,
        platform: process.platform,
        arch: arch(),
        osRelease: release(),
        dataDir: o.service.context.dataDir,
        environmentCount: list?.environments.length ?? null,
        activeEnvironment: connection
          ? {
              kind:
                list?.environments.find((e) => e.id === connection?.environmentId)?.kind ??
                'unknown',
              status: connection.status
            }
          : null,
        cacheBytes: cache?.sizeBytes ?? null,
        engineRunning: o.engineRunning,
        recentErrors: o.recentErrors.list(),
        now: new Date()
      },
      o.knownSecrets()
    )
    clipboard.writeText(text)
  }

  function notify(n: ConsoleNotification): void {
    if (!Notification.isSupported()) return
    const native = new Notification({ title: n.title, body: n.body })
    shown.add(native)
    native.on('click', () => {
      o.showWindow()
      o.deliverDeepLink(n.path)
      shown.delete(native)
    })
    native.on('close', () => shown.delete(native))
    native.show()
    if (shown.size > 50) shown.delete(shown.values().next().value as Notification)
  }

  const unsubscribe = o.service.subscribe((name, payload) => {
    if (name === 'onNotification') notify(payload as ConsoleNotification)
    else if (name === 'onConnectionState') {
      connection = payload as ConnectionState
      if (list && connection.environmentId !== list.activeId) {
        list = { ...list, activeId: connection.environmentId }
        render()
      } else renderTray()
    } else if (name === 'onEnvironmentsChanged') {
      const changed = payload as Pick<EnvironmentList, 'environments' | 'activeId'>
      list = { warnings: [], ...changed }
      void invoke<NotificationSettings>('getNotificationSettings').then((next) => {
        if (next) settings = next
        render()
      })
    }
  })

  try {
    const icon = nativeImage.createFromPath(
      fileURLToPath(new URL('../../resources/icon.png', import.meta.url))
    )
    tray = new Tray(icon.resize({ width: 16, height: 16 }))
    tray.on('click', () => o.showWindow())
  } catch (error) {
    // Some Linux desktops have no tray; the menu and the window still work.
    o.log('no tray icon on this desktop', error)
    tray = null
  }

  render()
  void Promise.all([
    invoke<EnvironmentList>('listEnvironments'),
    invoke<ConnectionState>('getConnectionState'),
    invoke<NotificationSettings>('getNotificationSettings')
  ]).then(([l, c, s]) => {
    if (l) list = l
    if (c) connection = c
    if (s) settings = s
    render()
  })

  return () => {
    disposed = true
    unsubscribe()
    tray?.destroy()
    tray = null
    for (const native of shown) native.close()
    shown.clear()
  }
}

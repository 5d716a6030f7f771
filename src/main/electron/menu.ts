import { Menu, type MenuItemConstructorOptions } from 'electron'
import { CONSOLE_PAGES, type ConsolePageId } from '../../shared/console/pages'

/** What the menu shows; rebuilt when environments or settings change. */
export interface MenuModel {
  readonly platform: NodeJS.Platform
  readonly appName: string
  readonly version: string
  readonly environments: ReadonlyArray<{
    readonly id: string
    readonly name: string
    readonly isProduction: boolean
  }>
  readonly activeId: string | null
  /** Whether the active environment notifies (Environment > Notifications). */
  readonly notifyActive: boolean
  /** Reload and developer tools: development checkouts only. */
  readonly developer: boolean
}

/** What the menu's items do (main-process functions; nothing here reaches a service directly). */
export interface MenuActions {
  goTo(page: ConsolePageId): void
  switchEnvironment(id: string): void
  addEnvironment(): void
  setNotifyActive(enabled: boolean): void
  openDataFolder(): void
  copyDiagnostics(): void
  /** Help > Check for Updates…; the updater fills it in. */
  checkForUpdates(): void
}

/**
 * The application menu, by each platform's conventions: on macOS the app menu first (About,
 * Hide, Quit) and Window with its standard items; elsewhere Quit under File and About under Help.
 * Go lists every page with CmdOrCtrl+1…9 in sidebar order.
 */
export function menuTemplate(model: MenuModel, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = model.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = []
  if (mac) {
    template.push({
      label: model.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' }
      ]
    })
  }
  template.push({
    label: 'File',
    submenu: [
      {
        label: 'Add Environment…',
        accelerator: 'CmdOrCtrl+Shift+N',
        click: () => actions.addEnvironment()
      },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' }
    ]
  })
  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' }
    ]
  })
  template.push({
    label: 'View',
    submenu: [
      ...(model.developer
        ? ([
            { role: 'reload' },
            { role: 'toggleDevTools' },
            { type: 'separator' }
          ] as MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' }
    ]
  })
  template.push({
    label: 'Go',
    submenu: CONSOLE_PAGES.map((page, index) => ({
      label: page.label,
      accelerator: index < 9 ? `CmdOrCtrl+${index + 1}` : undefined,
      click: () => actions.goTo(page.id)
    }))
  })
  template.push({
    label: 'Environment',
    submenu: [
      ...model.environments.map((env): MenuItemConstructorOptions => ({
        label: env.isProduction ? `${env.name} (production)` : env.name,
        type: 'radio',
        checked: env.id === model.activeId,
        click: () => actions.switchEnvironment(env.id)
      })),
      { type: 'separator' },
      { label: 'Add Environment…', click: () => actions.addEnvironment() },
      { label: 'Manage Environments', click: () => actions.goTo('environments') },
      { type: 'separator' },
      {
        label: 'Notifications for This Environment',
        type: 'checkbox',
        checked: model.notifyActive,
        enabled: model.activeId !== null,
        click: (item) => actions.setNotifyActive(item.checked)
      }
    ]
  })
  template.push(
    mac
      ? { role: 'windowMenu' }
      : { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] }
  )
  template.push({
    role: 'help',
    label: 'Help',
    submenu: [
      { label: `${model.appName} ${model.version}`, enabled: false },
      ...(mac ? [] : ([{ role: 'about' }] as MenuItemConstructorOptions[])),
      { type: 'separator' },
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      { label: 'Copy Diagnostics', click: () => actions.copyDiagnostics() },
      { type: 'separator' },
      { label: 'Check for Updates…', click: () => actions.checkForUpdates() }
    ]
  })
  return template
}

/** Builds and installs the application menu. */
export function installAppMenu(model: MenuModel, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(model, actions)))
}

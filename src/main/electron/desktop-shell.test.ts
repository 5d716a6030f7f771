// The desktop shell of the real main entry under the Electron stand-in: menus, native
// notifications, tray, window state. Real services, engine, local runs and files on a temp folder.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { ConnectionState, EnvironmentView } from '../../shared/console/domains/environments'
import type { LocalRunView } from '../../shared/console/domains/runs'
import type { NotificationSettings } from '../../shared/console/domains/notifications'
import { CONSOLE_PAGES } from '../../shared/console/pages'
import { eventually, waitFor } from '../services/testing/wait'
import { menuTemplate, type MenuActions } from './menu'
import {
  clickMenuItem,
  findMenuItem,
  standIn,
  type StandInMenuItem
} from './testing/electron-stand-in'
import {
  deepLinks,
  eachTestInFreshApp,
  freshApp,
  launch,
  quit,
  result
} from './testing/launch-main'

vi.mock('electron', () => import('./testing/electron-stand-in'))

const temp = eachTestInFreshApp('cd-shell-', (dir) => path.join(dir, 'data'))

function menu() {
  return standIn().applicationMenu
}

function submenu(labelsPath: string[]): StandInMenuItem[] {
  const item = findMenuItem(menu(), labelsPath)
  const sub = item?.submenu
  return Array.isArray(sub) ? sub : (sub?.items ?? [])
}

describe('the application menu', () => {
  it('follows the platform: the macOS app menu first, Quit under File elsewhere', () => {
    const model = {
      appName: 'ControlDeck',
      version: '1.2.3',
      environments: [],
      activeId: null,
      notifyActive: true,
      developer: false
    }
    const noop = () => undefined
    const actions: MenuActions = {
      goTo: noop,
      switchEnvironment: noop,
      addEnvironment: noop,
      setNotifyActive: noop,
      openDataFolder: noop,
      copyDiagnostics: noop,
      checkForUpdates: noop
    }
    // The top-level menus, in order.
    const topLevel = {
      darwin: ['ControlDeck', 'File', 'Edit', 'View', 'Go', 'Environment', 'windowMenu', 'Help'],
      linux: ['File', 'Edit', 'View', 'Go', 'Environment', 'Window', 'Help']
    }
    const labels = (menus: ReturnType<typeof menuTemplate>) => menus.map((m) => m.label ?? m.role)
    const mac = menuTemplate({ ...model, platform: 'darwin' }, actions)
    expect(labels(mac)).toEqual(topLevel.darwin)
    const appMenu = mac[0]?.submenu as StandInMenuItem[]
    expect(appMenu.map((i) => i.role).filter(Boolean)).toEqual([
      'about',
      'services',
      'hide',
      'hideOthers',
      'unhide',
      'quit'
    ])
    expect((mac[1]?.submenu as StandInMenuItem[]).some((i) => i.role === 'quit')).toBe(false)

    const linux = menuTemplate({ ...model, platform: 'linux' }, actions)
    expect(labels(linux)).toEqual(topLevel.linux)
    expect((linux[0]?.submenu as StandInMenuItem[]).some((i) => i.role === 'quit')).toBe(true)
    expect((linux[6]?.submenu as StandInMenuItem[]).some((i) => i.role === 'about')).toBe(true)
    // Developer tools only in development checkouts.
    expect(JSON.stringify(linux)).not.toContain('toggleDevTools')
    expect(
      JSON.stringify(menuTemplate({ ...model, platform: 'linux', developer: true }, actions))
    ).toContain('toggleDevTools')
  })

  it('goes to every page by its shortcut, switches and adds environments, and copies diagnostics without secrets', async () => {
    const window = await launch()
    const contents = window.webContents
    await waitFor(
      () => findMenuItem(menu(), ['Environment', 'Local engine']) !== null,
      'the environments in the menu'
    )

    const go = submenu(['Go'])
    expect(go.map((i) => i.label)).toEqual(CONSOLE_PAGES.map((p) => p.label))
    expect(go.map((i) => i.accelerator)).toEqual(CONSOLE_PAGES.map((_, i) => `CmdOrCtrl+${i + 1}`))
    clickMenuItem(menu(), ['Go', 'Audit'])
    await waitFor(() => deepLinks(contents).includes('audit'), 'Go > Audit to reach the page')
    clickMenuItem(menu(), ['Environment', 'Add Environment…'])
    await waitFor(
      () => deepLinks(contents).includes('environments'),
      'Add Environment to open the environments page'
    )

    // A production environment added in the page appears in the menu; choosing it switches.
    const prod = await result<EnvironmentView>(contents, 'addEnvironment', {
      name: 'Prod EU',
      baseUrl: 'http://127.0.0.1:9',
      authKind: 'bearer',
      isProduction: true
    })
    const secret = 'tok-SECRET-0123456789abcdef'
    await result(contents, 'setCredential', {
      environmentId: prod.id,
      credential: { kind: 'token', token: secret }
    })
    await waitFor(
      () => findMenuItem(menu(), ['Environment', 'Prod EU (production)']) !== null,
      'the new environment in the menu'
    )
    clickMenuItem(menu(), ['Environment', 'Prod EU (production)'])
    await waitFor(
      () => findMenuItem(menu(), ['Environment', 'Prod EU (production)'])?.checked === true,
      'the switch to show in the menu'
    )
    expect((await result<ConnectionState>(contents, 'getConnectionState')).environmentId).toBe(
      prod.id
    )
    // The tray says which environment is active and how it is connected.
    await waitFor(
      () => /Prod EU: /.test(standIn().trays[0]?.toolTip ?? ''),
      'the tray to follow the switch'
    )

    // Help: version, data folder, diagnostics, updates.
    expect(findMenuItem(menu(), ['Help', 'ControlDeck 0.1.0'])?.enabled).toBe(false)
    clickMenuItem(menu(), ['Help', 'Open Data Folder'])
    expect(standIn().calls).toContainEqual({
      what: 'shell.openPath',
      args: [path.join(temp.dir, 'data')]
    })
    expect(findMenuItem(menu(), ['Help', 'Check for Updates…'])?.click).toBeTypeOf('function')
    clickMenuItem(menu(), ['Help', 'Copy Diagnostics'])
    await waitFor(
      () => standIn().clipboardText.includes('diagnostics'),
      'the diagnostics on the clipboard'
    )
    const text = standIn().clipboardText
    expect(text).toMatch(/ControlDeck 0\.1\.0 diagnostics/)
    expect(text).toMatch(/Environments: 2/)
    expect(text).toMatch(/Cache of the active environment: /)
    expect(text).toContain(path.join(temp.dir, 'data'))
    expect(text).not.toContain(secret)
    expect(text).not.toContain('Prod EU')
    expect(text).not.toContain('127.0.0.1:9')
  })
})

describe('native notifications', () => {
  it('tells of a failed local run, opens it on click, and stays quiet once the environment is turned off', async () => {
    const window = await launch()
    const contents = window.webContents
    const script = path.join(temp.dir, 'fail.mjs')
    writeFileSync(script, 'process.exit(3)\n')

    const run = await result<LocalRunView>(contents, 'startLocalRun', { script })
    await waitFor(
      () => standIn().notifications.length === 1,
      'a notification for the failed run',
      15_000
    )
    const [shown] = standIn().notifications
    if (!shown) throw new Error('no notification')
    expect(shown.shown).toBe(true)
    expect(shown.options.title).toBe('Local run fail.mjs failed')
    expect(shown.options.body).toMatch(/code 3/)

    window.minimize()
    shown.click()
    expect(window.isMinimized()).toBe(false)
    expect(window.isFocused()).toBe(true)
    const expected = run.missionId ? `trace/${run.missionId}` : 'runs'
    await waitFor(() => deepLinks(contents).includes(expected), 'the click to open the run')

    // Environment > Notifications for This Environment, turned off: the next failure is silent.
    await waitFor(
      () => findMenuItem(menu(), ['Environment', 'Notifications for This Environment']) !== null,
      'the menu'
    )
    clickMenuItem(menu(), ['Environment', 'Notifications for This Environment'])
    await eventually(
      () => result<NotificationSettings>(contents, 'getNotificationSettings'),
      (settings) =>
        settings.environments.find((e) => e.environmentId === 'local')?.enabled === false
    )
    const second = await result<LocalRunView>(contents, 'startLocalRun', { script })
    await waitFor(() => {
      const runs = contents.pushedEvents().filter(([name]) => name === 'onRunsChanged')
      const last = runs.at(-1)?.[1] as { runs: LocalRunView[] } | undefined
      return last?.runs.some((r) => r.runId === second.runId && r.status === 'exited') ?? false
    }, 'the second run to end')
    expect(standIn().notifications).toHaveLength(1)
    expect(
      JSON.parse(readFileSync(path.join(temp.dir, 'data', 'notifications.json'), 'utf8'))
    ).toEqual({ version: 1, disabled: ['local'] })
  })
})

describe('tray and window state', () => {
  it('shows the connection in the tray, with Show and Quit', async () => {
    const window = await launch()
    await waitFor(
      () =>
        /^ControlDeck — Local engine: (live|connecting|connected)/.test(
          standIn().trays[0]?.toolTip ?? ''
        ),
      'the tray tooltip'
    )
    const trayMenu = standIn().trays[0]?.contextMenu ?? null
    expect(trayMenu?.items[0]?.label).toMatch(/^Local engine: /)
    expect(trayMenu?.items[0]?.enabled).toBe(false)
    expect(findMenuItem(trayMenu, ['Quit ControlDeck'])?.role).toBe('quit')
    window.minimize()
    clickMenuItem(trayMenu, ['Show ControlDeck'])
    expect(window.isMinimized()).toBe(false)
  })

  it('reopens where it was, as it was, on the last page and environment; never off-screen', async () => {
    const first = await launch()
    const prod = await result<EnvironmentView>(first.webContents, 'addEnvironment', {
      name: 'Staging',
      baseUrl: 'http://127.0.0.1:9'
    })
    await result(first.webContents, 'switchEnvironment', { id: prod.id })
    first.setBounds({ x: 2100, y: 120, width: 1200, height: 800 })
    first.maximize()
    first.webContents.navigateInPage(`${first.webContents.getURL()}#/audit?severity=error`)
    await quit()

    // Two displays; the window was on the second one.
    freshApp()
    standIn().setDisplays([
      {
        id: 1,
        bounds: { x: 0, y: 0, width: 1920, height: 1080 },
        workArea: { x: 0, y: 0, width: 1920, height: 1050 },
        scaleFactor: 1
      },
      {
        id: 2,
        bounds: { x: 1920, y: 0, width: 2560, height: 1440 },
        workArea: { x: 1920, y: 0, width: 2560, height: 1400 },
        scaleFactor: 1
      }
    ])
    const second = await launch()
    expect(second.options).toMatchObject({ x: 2100, y: 120, width: 1200, height: 800 })
    expect(second.isMaximized()).toBe(true)
    expect(second.loadedUrls[0]).toMatch(/index\.html#\/audit$/)
    expect(
      (await result<ConnectionState>(second.webContents, 'getConnectionState')).environmentId
    ).toBe(prod.id)
    await quit()

    // The second display is gone: the window comes back on the one that is left.
    freshApp()
    const third = await launch()
    const { x, y, width, height } = third.options as {
      x: number
      y: number
      width: number
      height: number
    }
    expect(x).toBeGreaterThanOrEqual(0)
    expect(y).toBeGreaterThanOrEqual(0)
    expect(x + width).toBeLessThanOrEqual(1920)
    expect(y + height).toBeLessThanOrEqual(1050)
  })
})

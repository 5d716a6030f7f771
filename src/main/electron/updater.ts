// Wires electron-updater to the console's update controller (src/main/services/updates): it
// downloads a newer version in the background and tells the renderer, which shows "restart to
// update"; it never installs or restarts by itself. Off in a development build (not packaged).
import { app } from 'electron'
import type { AppUpdater } from 'electron-updater'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ConsoleService, ServiceLog } from '../services/console-service'
import { resolveUpdateFeed } from '../services/updates/update-feed'

/** A check at start, then this often while the app runs. */
const CHECK_EVERY_MS = 6 * 60 * 60 * 1000

/** electron-updater, loaded only in a packaged app with a feed (it reads Electron at load). */
function loadAutoUpdater(): AppUpdater {
  const require = createRequire(import.meta.url)
  return (require('electron-updater') as typeof import('electron-updater')).autoUpdater
}

/**
 * Starts self-updating when the app runs packaged with a feed, else records why not in the
 * service's update state. Returns a function that stops the periodic check.
 */
export function startUpdater(service: ConsoleService, log: ServiceLog): () => void {
  const updates = service.context.updates
  const feed = resolveUpdateFeed({
    packaged: app.isPackaged,
    env: process.env,
    dataDir: service.context.dataDir,
    bundledConfig: app.isPackaged ? path.join(process.resourcesPath, 'app-update.yml') : null
  })
  if (feed.kind === 'none') {
    updates.disable(feed.reason)
    return () => {}
  }

  let updater: AppUpdater
  try {
    updater = loadAutoUpdater()
  } catch (error) {
    log('electron-updater could not be loaded; updates are off', error)
    updates.disable('Updates are off: the updater could not be loaded (see the log).')
    return () => {}
  }
  if (feed.kind === 'url') updater.setFeedURL({ provider: 'generic', url: feed.url })
  // Downloads in the background; installing waits for the operator's click (installUpdate).
  updater.autoDownload = true
  updater.autoInstallOnAppQuit = false
  updater.logger = {
    info: () => {},
    debug: () => {},
    warn: (message?: unknown) => log(`updater: ${String(message)}`),
    error: (message?: unknown) => log(`updater: ${String(message)}`)
  }
  updater.on('checking-for-update', () => updates.dispatch({ type: 'checking' }))
  updater.on('update-available', (info) =>
    updates.dispatch({ type: 'available', version: info.version })
  )
  updater.on('update-not-available', () =>
    updates.dispatch({ type: 'not-available', at: new Date().toISOString() })
  )
  updater.on('download-progress', (progress) =>
    updates.dispatch({ type: 'progress', percent: progress.percent })
  )
  updater.on('update-downloaded', (info) =>
    updates.dispatch({ type: 'downloaded', version: info.version })
  )
  updater.on('error', (error) => updates.dispatch({ type: 'error', message: error.message }))

  updates.enable({
    check: () => updater.checkForUpdates(),
    // isSilent false: the installer shows its own progress; isForceRunAfter true: the app
    // comes back after the install, as the "Restart to update" button promises.
    quitAndInstall: () => updater.quitAndInstall(false, true)
  })
  void updates.check()
  const timer = setInterval(() => void updates.check(), CHECK_EVERY_MS)
  timer.unref()
  return () => clearInterval(timer)
}

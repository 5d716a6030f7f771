import type { ConsoleApi } from '../../../../shared/console/api'
import type { ConsoleNotification } from '../../../../shared/console/domains/notifications'
import { deepLinkToHash } from '../nav/deepLink'
import { navigate } from '../nav/router'

/**
 * Browser mode's notifications: the main side decides what deserves one (the same policy as the
 * desktop app's native notifications, rate-limits included) and pushes `onNotification`; this
 * shows it through the Web Notifications API once the user allowed it and turned them on here.
 * In Electron the main process shows them natively and this stays off.
 */

const SETTING_KEY = 'controldeck.notifications'

/** off: not wanted here; on: wanted and allowed; blocked: wanted, but the browser refuses; unsupported. */
export type BrowserNotificationState = 'off' | 'on' | 'blocked' | 'unsupported'

function supported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window
}

function wanted(): boolean {
  try {
    return window.localStorage.getItem(SETTING_KEY) === 'on'
  } catch {
    return false
  }
}

/** What the toggle shows. */
export function browserNotificationState(): BrowserNotificationState {
  if (!supported()) return 'unsupported'
  if (!wanted()) return 'off'
  return Notification.permission === 'granted' ? 'on' : 'blocked'
}

/** Turns notifications on: asks the browser (once it has an answer, it does not ask again). */
export async function enableBrowserNotifications(): Promise<BrowserNotificationState> {
  if (!supported()) return 'unsupported'
  window.localStorage.setItem(SETTING_KEY, 'on')
  if (Notification.permission === 'default') await Notification.requestPermission()
  return browserNotificationState()
}

export function disableBrowserNotifications(): BrowserNotificationState {
  if (supported()) window.localStorage.setItem(SETTING_KEY, 'off')
  return browserNotificationState()
}

function show(n: ConsoleNotification): void {
  if (browserNotificationState() !== 'on') return
  const notification = new Notification(n.title, { body: n.body, tag: n.tag })
  notification.onclick = () => {
    window.focus()
    const hash = deepLinkToHash(n.path)
    if (hash) navigate(hash)
    notification.close()
  }
}

/** Shows every `onNotification` as a Web Notification while allowed; returns the unsubscribe. */
export function startBrowserNotifications(consoleApi: ConsoleApi): () => void {
  return consoleApi.onNotification((n) => {
    try {
      show(n)
    } catch {
      // A browser that refuses to construct one (e.g. some mobile browsers): nothing to show.
    }
  })
}

import { useState } from 'react'
import {
  browserNotificationState,
  disableBrowserNotifications,
  enableBrowserNotifications,
  type BrowserNotificationState
} from '../lib/app/notifications'
import { useStore } from '../store'

const LABEL: Record<BrowserNotificationState, string> = {
  on: 'Notifications on',
  off: 'Notifications off',
  blocked: 'Notifications blocked',
  unsupported: ''
}

const TITLE: Record<BrowserNotificationState, string> = {
  on: 'This browser shows a notification when a circuit opens, a budget is violated, a local run fails or a production connection drops. Click to turn off.',
  off: 'Click to be notified in this browser when something needs you (the browser asks first).',
  blocked: 'The browser refuses notifications for this page; allow them in its site settings.',
  unsupported: ''
}

/** Browser mode's switch for Web notifications (the desktop app uses native ones and its menu). */
export function NotificationToggle() {
  const transport = useStore((s) => s.appInfo?.transport)
  const [state, setState] = useState<BrowserNotificationState>(() => browserNotificationState())
  if (transport !== 'browser' || state === 'unsupported') return null
  const toggle = async () => {
    setState(state === 'off' ? await enableBrowserNotifications() : disableBrowserNotifications())
  }
  return (
    <button
      type="button"
      onClick={() => void toggle()}
      title={TITLE[state]}
      aria-pressed={state === 'on'}
      data-testid="notifications-toggle"
    >
      {LABEL[state]}
    </button>
  )
}

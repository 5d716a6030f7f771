import type { ConsoleApi } from '../../../../shared/console/api'
import { useStore } from '../../store'
import { errorMessage } from '../transport/api'
import { deepLinkToHash } from '../nav/deepLink'
import { startLiveFeed } from '../transport/liveFeed'
import { startBrowserNotifications } from './notifications'
import { navigate } from '../nav/router'

/**
 * Starts the console: loads app info, environments and the connection state into the store,
 * follows their change events and deep links, and starts the live feed. Returns a teardown.
 */
export function boot(consoleApi: ConsoleApi): () => void {
  const store = useStore.getState()
  const offs: Array<() => void> = []

  offs.push(consoleApi.onConnectionState((c) => useStore.getState().setConnection(c)))
  offs.push(
    consoleApi.onEnvironmentsChanged(({ environments, activeId }) =>
      useStore.getState().setEnvironments(environments, activeId)
    )
  )
  // Local runs change while any page is open (a run exits); the Runs page reads them from the store.
  offs.push(consoleApi.onRunsChanged(({ runs }) => useStore.getState().setLocalRuns(runs)))
  offs.push(
    consoleApi.onDeepLink(({ path }) => {
      const hash = deepLinkToHash(path)
      if (hash) navigate(hash)
    })
  )

  let stopped = false
  consoleApi
    .getAppInfo({})
    .then((info) => {
      useStore.getState().setAppInfo(info)
      // Electron shows notifications natively (main side); browser mode through this page.
      if (info.transport === 'browser' && !stopped) offs.push(startBrowserNotifications(consoleApi))
    })
    .catch(() => undefined)
  offs.push(() => {
    stopped = true
  })
  // The link the app was launched with (controldeck://trace/…), held by the main side until now.
  consoleApi
    .takeLaunchDeepLink({})
    .then(({ link }) => {
      const hash = link ? deepLinkToHash(link.path) : null
      if (hash && !stopped) navigate(hash)
    })
    .catch(() => undefined)
  consoleApi
    .listEnvironments({})
    .then((list) => store.setEnvironments(list.environments, list.activeId, list.warnings))
    .catch((e: unknown) => store.setBootError(errorMessage(e)))
  consoleApi
    .getConnectionState({})
    .then((c) => useStore.getState().setConnection(c))
    .catch((e: unknown) => store.setBootError(errorMessage(e)))

  // Pushes can be missed while the event channel is still opening, so the state is also polled:
  // often while not live, rarely once live.
  let pollTimer: ReturnType<typeof setTimeout> | undefined
  const poll = () => {
    const live = useStore.getState().connection?.status === 'live'
    pollTimer = setTimeout(
      () => {
        consoleApi
          .getConnectionState({})
          .then((c) => useStore.getState().setConnection(c))
          .catch(() => undefined)
          .finally(poll)
      },
      live ? 15_000 : 2_000
    )
  }
  poll()
  offs.push(() => clearTimeout(pollTimer))

  offs.push(startLiveFeed(consoleApi))
  return () => offs.forEach((off) => off())
}

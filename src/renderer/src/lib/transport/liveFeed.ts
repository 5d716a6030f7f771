import type { ConsoleApi } from '../../../../shared/console/api'
import { useStore } from '../../store'
import { FrameBuffer } from './eventBuffer'
import type { LiveEvent } from '../live/types'
import { perfEnabled, recordArrival, recordFlush } from '../app/perfProbe'

/**
 * Wires the live stream into the store: `onEvents` pushes land in a FrameBuffer outside React and
 * reach the store at most once per animation frame (one `ingest`, one render). Subscribes anew
 * when the active environment changes, and honours the pause toggle. Returns a teardown.
 */
export function startLiveFeed(consoleApi: ConsoleApi): () => void {
  // Arrival time of each push still in the buffer (only when the ?perf=1 probe is on).
  let arrivals: number[] = []
  const buffer = new FrameBuffer<LiveEvent>((events) => {
    useStore.getState().ingest(events)
    if (perfEnabled()) {
      recordFlush(
        events.map((e) => e.timestamp),
        arrivals
      )
      arrivals = []
    }
  })
  let subscriptionId: string | null = null
  let environmentId: string | null = null
  let stopped = false
  // Bumped by each subscribe(): an answer for an older call (the environment changed again, or the
  // first connection state arrived, while it was on its way) is ended at once instead of leaking.
  let generation = 0

  const offEvents = consoleApi.onEvents((payload) => {
    // Before subscribeEvents resolves we do not know our id yet; a renderer has one subscription.
    if (subscriptionId !== null && payload.subscriptionId !== subscriptionId) return
    if (perfEnabled()) {
      recordArrival(payload.events.map((e) => e.timestamp))
      arrivals.push(Date.now())
    }
    buffer.push(payload.events)
  })

  async function subscribe(): Promise<void> {
    const mine = ++generation
    const previous = subscriptionId
    subscriptionId = null
    if (previous)
      await consoleApi.unsubscribeEvents({ subscriptionId: previous }).catch(() => undefined)
    if (stopped || mine !== generation) return
    try {
      const { subscriptionId: id } = await consoleApi.subscribeEvents({})
      if (stopped || mine !== generation)
        void consoleApi.unsubscribeEvents({ subscriptionId: id }).catch(() => undefined)
      else subscriptionId = id
    } catch {
      // No stream on this backend right now; the connection badge says why. Retried on the next
      // connection-state change.
    }
  }

  const offStore = useStore.subscribe((state, prev) => {
    if (state.paused !== prev.paused) {
      if (state.paused) buffer.pause()
      else buffer.resume()
    }
    const env = state.connection?.environmentId ?? null
    const becameLive =
      state.connection?.status !== prev.connection?.status && state.connection?.status === 'live'
    if (env !== environmentId) {
      // Record the new environment before resetting: resetLive's `set` calls this listener again.
      const switched = environmentId !== null
      environmentId = env
      if (switched) useStore.getState().resetLive()
      void subscribe()
    } else if (becameLive && subscriptionId === null) {
      void subscribe()
    }
  })

  // Subscriptions live on the main side for the whole launch; a page that reloads or closes without
  // ending its own would leave it behind, pushing every event once more to every window until the
  // console refuses new subscriptions altogether (MAX_SUBSCRIPTIONS).
  const onPageHide = () => {
    generation++
    const id = subscriptionId
    subscriptionId = null
    if (id) void consoleApi.unsubscribeEvents({ subscriptionId: id }).catch(() => undefined)
  }
  // A page restored from the back/forward cache comes back without its subscription.
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted && !stopped) void subscribe()
  }
  const win = typeof window === 'undefined' ? null : window
  win?.addEventListener('pagehide', onPageHide)
  win?.addEventListener('pageshow', onPageShow)

  environmentId = useStore.getState().connection?.environmentId ?? null
  void subscribe()

  return () => {
    stopped = true
    win?.removeEventListener('pagehide', onPageHide)
    win?.removeEventListener('pageshow', onPageShow)
    offEvents()
    offStore()
    buffer.flush()
    if (subscriptionId) void consoleApi.unsubscribeEvents({ subscriptionId }).catch(() => undefined)
  }
}

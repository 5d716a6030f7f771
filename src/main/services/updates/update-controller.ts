import type { UpdateState } from '../../../shared/console/domains/app'
import { fail } from '../session/failures'
import { nextUpdateState, type UpdaterEvent } from './update-machine'

/** The part of electron-updater the controller drives (src/main/electron/updater.ts adapts it). */
export interface UpdateDriver {
  /** Asks the feed for a newer version; progress arrives as events through `dispatch`. */
  check(): Promise<unknown>
  /** Quits the app and starts the downloaded update's installer. */
  quitAndInstall(): void
}

/**
 * The console's self-update, independent of Electron: holds the state, pushes `onUpdateState` on
 * every change, and refuses a restart unless an update is ready. Starts disabled; the Electron
 * main process enables it with a driver when it runs packaged with a feed.
 */
export interface UpdateController {
  state(): UpdateState
  /** Runs an updater event through the state machine; pushes the new state when it changed. */
  dispatch(event: UpdaterEvent): void
  /** Turns updates on with the driver that reaches the feed. */
  enable(driver: UpdateDriver): void
  /** Turns updates off; `reason` is a sentence the About panel and the banner may show. */
  disable(reason: string): void
  /** Starts a check now (no-op while disabled or once an update is ready); resolves with the state. */
  check(): Promise<UpdateState>
  /**
   * Restarts into the ready update. Only the operator's explicit action calls this.
   * @throws ConsoleFailure `update_not_ready` when no downloaded update is waiting.
   */
  install(): { restarting: boolean }
}

export interface UpdateControllerOptions {
  /** Why updates are off until `enable` (depends on the transport). */
  readonly initialReason: string
  readonly onState: (state: UpdateState) => void
  readonly log: (message: string, details?: unknown) => void
}

export function createUpdateController(options: UpdateControllerOptions): UpdateController {
  let state: UpdateState = { status: 'disabled', reason: options.initialReason }
  let driver: UpdateDriver | null = null

  function set(next: UpdateState): void {
    if (JSON.stringify(next) === JSON.stringify(state)) return
    state = next
    options.onState(state)
  }

  function dispatch(event: UpdaterEvent): void {
    set(nextUpdateState(state, event))
  }

  return {
    state: () => state,
    dispatch,
    enable(next) {
      driver = next
      if (state.status === 'disabled') set({ status: 'idle', lastCheckedAt: null })
    },
    disable(reason) {
      driver = null
      set({ status: 'disabled', reason })
    },
    async check() {
      if (!driver || state.status === 'ready' || state.status === 'checking') return state
      dispatch({ type: 'checking' })
      // The driver reports the outcome as events; a rejection it did not report becomes `error`.
      driver.check().catch((error: unknown) => {
        options.log('the update check failed', error)
        dispatch({ type: 'error', message: error instanceof Error ? error.message : String(error) })
      })
      return state
    },
    install() {
      if (state.status !== 'ready' || !driver) {
        throw fail(
          'update_not_ready',
          'No downloaded update is waiting; there is nothing to restart into.',
          409
        )
      }
      options.log(`restarting into ControlDeck ${state.version} at the operator's request`)
      driver.quitAndInstall()
      return { restarting: true }
    }
  }
}

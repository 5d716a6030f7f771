import type { UpdateState } from '../../../../shared/console/domains/app'

/** What the update banner shows for a state; null: no banner. */
export interface UpdateBannerView {
  readonly tone: 'info' | 'ok' | 'warn'
  readonly sentence: string
  /** The one button: restart into the ready update, or check again after a failure. */
  readonly action: 'restart' | 'check' | null
  /** A failure can be dismissed (an offline machine need not see it all session). */
  readonly dismissible: boolean
}

/**
 * The banner for an update state. Silent while disabled, idle or checking; the operator hears
 * about an update once one is found, and the app restarts only when they press "Restart to update".
 */
export function updateBannerView(state: UpdateState | null): UpdateBannerView | null {
  if (!state) return null
  switch (state.status) {
    case 'available':
      return {
        tone: 'info',
        sentence: `ControlDeck ${state.version} is available; downloading it in the background.`,
        action: null,
        dismissible: true
      }
    case 'downloading':
      return {
        tone: 'info',
        sentence: `Downloading ControlDeck ${state.version}: ${Math.floor(state.percent)}%.`,
        action: null,
        dismissible: true
      }
    case 'ready':
      return {
        tone: 'ok',
        sentence: `ControlDeck ${state.version} is ready. Restart to update; nothing restarts until you do.`,
        action: 'restart',
        dismissible: true
      }
    case 'error':
      return {
        tone: 'warn',
        sentence: `The update check failed: ${state.message}`,
        action: 'check',
        dismissible: true
      }
    default:
      return null
  }
}

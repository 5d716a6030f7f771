import type { UpdateState } from '../../../shared/console/domains/app'

/** What the updater reports, in electron-updater's terms but free of Electron. */
export type UpdaterEvent =
  | { readonly type: 'checking' }
  | { readonly type: 'available'; readonly version: string }
  | { readonly type: 'not-available'; readonly at: string }
  | { readonly type: 'progress'; readonly percent: number }
  | { readonly type: 'downloaded'; readonly version: string }
  | { readonly type: 'error'; readonly message: string }

const MAX_MESSAGE = 500
const MAX_VERSION = 64

function bounded(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine || 'unknown'
}

/**
 * The next update state after an updater event. Pure, so every path is tested under Node.
 * Two rules beyond the obvious: a downloaded update stays `ready` whatever later checks report
 * (the operator must still be offered the restart), and `disabled` ignores everything (a
 * development build or browser mode never starts updating because of a stray event).
 */
export function nextUpdateState(state: UpdateState, event: UpdaterEvent): UpdateState {
  if (state.status === 'disabled' || state.status === 'ready') {
    // A newer download replacing the one that is ready is the only way out of `ready`.
    if (state.status === 'ready' && event.type === 'downloaded') {
      return { status: 'ready', version: bounded(event.version, MAX_VERSION) }
    }
    return state
  }
  switch (event.type) {
    case 'checking':
      // A periodic check while a download runs must not hide its progress.
      return state.status === 'downloading' ? state : { status: 'checking' }
    case 'available':
      return state.status === 'downloading'
        ? state
        : { status: 'available', version: bounded(event.version, MAX_VERSION) }
    case 'not-available':
      return state.status === 'downloading' ? state : { status: 'idle', lastCheckedAt: event.at }
    case 'progress': {
      if (state.status !== 'available' && state.status !== 'downloading') return state
      const percent = Number.isFinite(event.percent) ? Math.min(100, Math.max(0, event.percent)) : 0
      return { status: 'downloading', version: state.version, percent }
    }
    case 'downloaded':
      return { status: 'ready', version: bounded(event.version, MAX_VERSION) }
    case 'error':
      return { status: 'error', message: bounded(event.message, MAX_MESSAGE) }
  }
}

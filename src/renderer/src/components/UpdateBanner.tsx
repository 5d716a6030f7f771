import { useEffect, useState } from 'react'
import type { UpdateState } from '../../../shared/console/domains/app'
import { api, errorMessage } from '../lib/transport/api'
import { updateBannerView } from '../lib/app/updateBanner'

/**
 * "Update available / restart to update" under the title bar. Reads the state once, then follows
 * onUpdateState; "Restart to update" is the only way the app restarts into an update.
 */
export function UpdateBanner() {
  const [state, setState] = useState<UpdateState | null>(null)
  const [dismissed, setDismissed] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    const unsubscribe = api().onUpdateState((next) => {
      if (live) setState(next)
    })
    api()
      .getUpdateState({})
      .then((first) => {
        // An event that arrived meanwhile is newer than this answer.
        if (live) setState((current) => current ?? first)
      })
      .catch(() => {
        // A console without updates (an older main side) shows no banner.
      })
    return () => {
      live = false
      unsubscribe()
    }
  }, [])

  const view = updateBannerView(state)
  const key = state ? JSON.stringify(state) : null
  if (!view || dismissed === key) return null

  async function act(): Promise<void> {
    setBusy(true)
    setFailure(null)
    try {
      if (view?.action === 'restart') await api().installUpdate({})
      else setState(await api().checkForUpdates({}))
    } catch (error) {
      setFailure(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div
      className={`update-banner notice tone-${view.tone} row`}
      role="status"
      data-testid="update-banner"
    >
      <span style={{ flex: 1 }}>
        {view.sentence}
        {failure && <span className="technical"> {failure}</span>}
      </span>
      {view.action && (
        <button
          type="button"
          className={view.action === 'restart' ? 'primary' : undefined}
          disabled={busy}
          onClick={() => void act()}
        >
          {view.action === 'restart' ? (busy ? 'Restarting…' : 'Restart to update') : 'Check again'}
        </button>
      )}
      {view.dismissible && (
        <button
          type="button"
          onClick={() => setDismissed(key)}
          aria-label="Dismiss the update notice"
        >
          Dismiss
        </button>
      )}
    </div>
  )
}

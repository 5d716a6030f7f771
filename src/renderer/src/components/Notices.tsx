import { formatDataAge, formatTime } from '../lib/format/format'
import { useStore } from '../store'

/** The data shown came from the local cache because the backend is away. */
export function StaleNotice({
  stale
}: {
  stale: { ageMs: number; fetchedAt: string } | null | undefined
}) {
  // An imported incident bundle never refreshes: the banner above says what it is.
  const bundle = useStore(
    (s) =>
      s.environments.find((e) => e.id === (s.connection?.environmentId ?? s.activeEnvironmentId))
        ?.kind === 'bundle'
  )
  if (!stale || bundle) return null
  return (
    <div className="notice tone-warn" role="status" data-testid="stale-notice">
      Offline: showing cached data from {formatTime(stale.fetchedAt)} ({formatDataAge(stale.ageMs)}
      ). It will refresh when the backend is reachable again.
    </div>
  )
}

/** A failure, written for a person, with an optional retry. */
export function ErrorNotice({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="notice tone-bad row" role="alert">
      <span style={{ flex: 1 }}>{message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  )
}

/** A load that failed ("<what> could not be loaded: <why>"), with a retry; nothing while it has not. */
export function LoadError({
  what,
  load
}: {
  what: string
  load: { error: string | null; reload: () => void }
}) {
  if (!load.error) return null
  return (
    <ErrorNotice message={`${what} could not be loaded: ${load.error}`} onRetry={load.reload} />
  )
}

/** The backend cannot answer this page (`message`, nothing when null); `fallback` says what fills it instead. */
export function UnavailableNotice({
  message,
  fallback
}: {
  message: string | null | undefined
  fallback: string
}) {
  if (!message) return null
  return (
    <p className="notice tone-info" role="status">
      {message} {fallback}
    </p>
  )
}

/** Shown while the first answer is on its way. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  )
}

/** Why a form's or dialog's call failed, as an alert under it; nothing while there is no error. */
export function FormError({ error }: { error?: string | null }) {
  if (!error) return null
  return (
    <p className="notice tone-bad" role="alert">
      {error}
    </p>
  )
}

import { formatAge } from '../lib/format/format'
import { hrefFor } from '../lib/nav/router'
import { useNow } from '../lib/hooks/useNow'
import { useStore } from '../store'

/** "Showing cached data from 2 min ago" or, with nothing received yet, that there is none. */
export function cachedDataSentence(
  lastDataAt: string | null,
  dataAgeMs: number | null,
  now: number
): string {
  const age = lastDataAt ? now - Date.parse(lastDataAt) : dataAgeMs
  if (age == null || !Number.isFinite(age)) return 'No cached data yet'
  const words = formatAge(age)
  return `Showing cached data from ${words === 'just now' ? 'just now' : `${words} ago`}`
}

/**
 * A banner under the title bar when the active environment cannot be used normally: offline
 * (cached data shown) or sign-in refused. The sentence is written for a person; the main side's
 * technical reason is behind a disclosure.
 */
export function ConnectionNotice() {
  const connection = useStore((s) => s.connection)
  const env = useStore((s) =>
    s.environments.find((e) => e.id === (s.connection?.environmentId ?? s.activeEnvironmentId))
  )
  const now = useNow(5000)
  if (!connection || (connection.status !== 'offline' && connection.status !== 'auth_failed'))
    return null
  const authFailed = connection.status === 'auth_failed'
  const name = env?.name ?? 'the backend'
  const where = env?.baseUrl ? ` at ${env.baseUrl}` : ''
  const sentence = authFailed
    ? `${name}${where} refused the credential.`
    : env?.kind === 'bundle'
      ? `${name} is an imported incident bundle: offline and read-only, showing what the bundle holds.`
      : `Can't reach ${name}${where}. ${cachedDataSentence(connection.lastDataAt, connection.dataAgeMs, now)}; retrying.`
  return (
    <div
      className={`connection-notice notice tone-${authFailed ? 'bad' : 'warn'}`}
      role="status"
      data-testid="connection-notice"
    >
      <span>{sentence}</span>{' '}
      {authFailed && (
        <a href={hrefFor('environments')}>Set the credential on the Environments page.</a>
      )}
      {connection.message && (
        <details>
          <summary>Details</summary>
          <span className="technical mono" data-testid="connection-notice-detail">
            {connection.message}
          </span>
        </details>
      )}
    </div>
  )
}

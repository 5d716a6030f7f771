import { hrefFor } from '../lib/router'
import { useStore } from '../store'

/**
 * A banner under the title bar when the active environment cannot be used normally: offline
 * (cached data shown) or sign-in refused. It carries the main side's own sentence.
 */
export function ConnectionNotice() {
  const connection = useStore((s) => s.connection)
  if (!connection || (connection.status !== 'offline' && connection.status !== 'auth_failed')) return null
  const authFailed = connection.status === 'auth_failed'
  return (
    <div className={`connection-notice notice tone-${authFailed ? 'bad' : 'warn'}`} role="status" data-testid="connection-notice">
      {connection.message ??
        (authFailed ? 'The backend refused the credential.' : 'The backend is not reachable; the pages show cached data.')}{' '}
      {authFailed && <a href={hrefFor('environments')}>Set the credential on the Environments page.</a>}
    </div>
  )
}

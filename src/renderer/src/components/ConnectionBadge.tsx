import { useStore } from '../store'
import { formatDataAge } from '../lib/format/format'
import {
  streamDetailLine,
  streamHealthSentence,
  streamHealthShort
} from '../lib/transport/streamHealth'
import { stateLabel, toneOf } from '../lib/format/tone'
import { useNow } from '../lib/hooks/useNow'

/** Connection state of the active environment with the age of its newest data, and the role. */
export function ConnectionBadge() {
  const connection = useStore((s) => s.connection)
  const now = useNow(1000)
  if (!connection) return <span className="badge tone-idle">connecting</span>
  const age = connection.lastDataAt ? now - Date.parse(connection.lastDataAt) : connection.dataAgeMs
  const health = streamHealthSentence(connection.stream)
  const healthShort = streamHealthShort(connection.stream)
  const title = [
    connection.message,
    connection.lastDataAt ? `Newest data: ${formatDataAge(age)}` : 'No data yet',
    streamDetailLine(connection.stream),
    health
  ]
    .filter(Boolean)
    .join('. ')
  return (
    <>
      <span
        className={`badge tone-${toneOf(connection.status)}`}
        data-testid="connection-badge"
        data-status={connection.status}
        title={title}
      >
        {/* Named by its text (a plain span may not carry an aria-label); the details are its title. */}
        <span className="visually-hidden">Connection: </span>
        {stateLabel(connection.status)}
        {connection.status !== 'live' && connection.lastDataAt && ` · data ${formatDataAge(age)}`}
      </span>
      {health && healthShort && (
        <span className="badge tone-warn" title={health} data-testid="stream-health-badge">
          stream: {healthShort}
        </span>
      )}
      {connection.role && (
        <span
          className="badge tone-idle"
          title="Your role on this backend decides which operator actions are enabled"
          data-testid="role-badge"
        >
          {connection.role}
        </span>
      )}
    </>
  )
}

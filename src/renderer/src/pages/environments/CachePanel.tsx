import { useState, type FormEvent } from 'react'
import { ActionButton } from '../../components/ActionButton'
import { ErrorNotice } from '../../components/Notices'
import { api, errorMessage } from '../../lib/transport/api'
import { formatCount, formatTime } from '../../lib/format/format'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'

/** The active environment's local cache: size, rows, retention, clear. */
export function CachePanel() {
  const epoch = useDataEpoch()
  const status = useAsync(() => api().getCacheStatus({}), `cache:${epoch}`, 10_000)
  const s = status.data
  return (
    <section className="card" aria-label="Local cache" data-testid="cache-panel">
      <h2>Local cache</h2>
      {status.error && <ErrorNotice message={status.error} onRetry={status.reload} />}
      {s && (
        <>
          <dl className="kv">
            <dt>size</dt>
            <dd>{(s.sizeBytes / 1024 / 1024).toFixed(1)} MB</dd>
            <dt>entities</dt>
            <dd>{formatCount(s.rows.entities)}</dd>
            <dt>transitions</dt>
            <dd>{formatCount(s.rows.transitions)}</dd>
            <dt>audit events</dt>
            <dd>{formatCount(s.rows.audit)}</dd>
            <dt>stream events</dt>
            <dd>{formatCount(s.rows.events)}</dd>
            <dt>oldest</dt>
            <dd>{formatTime(s.oldestAt)}</dd>
            <dt>file</dt>
            <dd className="mono" style={{ overflowWrap: 'anywhere' }}>
              {s.path}
            </dd>
          </dl>
          <RetentionForm
            key={`${s.retention.days}:${s.retention.maxMb}`}
            days={s.retention.days}
            maxMb={s.retention.maxMb}
            onSaved={status.reload}
          />
          <ActionButton
            label="Clear cache"
            danger
            confirmTitle="Clear the local cache?"
            confirmBody="Everything cached for this environment is deleted. The backend is not touched; offline you will see nothing until the console has fetched data again."
            gate={{ allowed: true, reason: null }}
            run={() => api().clearCache({})}
            onDone={status.reload}
          />
        </>
      )}
    </section>
  )
}

function RetentionForm({
  days,
  maxMb,
  onSaved
}: {
  days: number
  maxMb: number
  onSaved: () => void
}) {
  const [d, setD] = useState(String(days))
  const [mb, setMb] = useState(String(maxMb))
  const [error, setError] = useState<string | null>(null)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setError(null)
    try {
      await api().setCacheRetention({ days: Number(d), maxMb: Number(mb) })
      onSaved()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <form className="filters" onSubmit={submit} aria-label="Cache retention">
      <label>
        Keep days
        <input type="number" min={1} max={3650} value={d} onChange={(e) => setD(e.target.value)} />
      </label>
      <label>
        Max MB
        <input
          type="number"
          min={16}
          max={100000}
          value={mb}
          onChange={(e) => setMb(e.target.value)}
        />
      </label>
      <button type="submit">Save retention</button>
      {error && (
        <span className="badge tone-bad" role="alert">
          {error}
        </span>
      )}
    </form>
  )
}

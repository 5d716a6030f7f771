import type { EntityDetails } from '../../../../shared/console/domains/data'
import { StateBadge } from '../../components/StateBadge'
import { ErrorNotice, Loading, StaleNotice } from '../../components/Notices'
import { api } from '../../lib/api'
import { formatCount, formatDuration, formatNumber, formatTime } from '../../lib/format'
import { traceHref } from '../../lib/router'
import { useAsync, useDataEpoch } from '../../lib/useAsync'

/** Renders any JSON-ish value as text (backend strings are never HTML). */
export function textOf(value: unknown): string {
  if (value == null) return '–'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** The selected node: record, current state, transition history, telemetry and audit events. */
export function DetailsPanel({ entityId }: { entityId: string }) {
  const epoch = useDataEpoch()
  const details = useAsync<EntityDetails>(() => api().getEntityDetails({ entityId }), `details:${entityId}:${epoch}`)
  const d = details.data
  return (
    <section className="card details" aria-label={`Details of ${entityId}`} data-testid="trace-details">
      <h2>
        {d?.entityType ?? 'entity'} <span className="mono">{entityId}</span>
      </h2>
      {details.loading && !d && <Loading what="details" />}
      {details.error && <ErrorNotice message={details.error} onRetry={details.reload} />}
      {d && (
        <>
          <StaleNotice stale={d.stale} />
          <div className="row" style={{ marginBottom: 8 }}>
            <span>Current state:</span> <StateBadge state={d.state} />
          </div>
          {d.notes.map((n) => (
            <p key={n} className="notice tone-warn">
              {n}
            </p>
          ))}
          <h3>Record</h3>
          <dl>
            {Object.entries(d.record).map(([k, v]) => (
              <Field key={k} name={k} value={v} />
            ))}
          </dl>
          <h3>Transitions ({d.history.length})</h3>
          {d.history.length === 0 ? (
            <p className="muted">No transitions recorded.</p>
          ) : (
            <table className="data" data-testid="details-history">
              <thead>
                <tr>
                  <th>When</th>
                  <th>From</th>
                  <th>To</th>
                  <th>Action</th>
                </tr>
              </thead>
              <tbody>
                {d.history.map((t) => (
                  <tr key={t.event_id + t.timestamp}>
                    <td>{formatTime(t.timestamp)}</td>
                    <td>{t.from_state ? <StateBadge state={t.from_state} /> : '–'}</td>
                    <td>
                      <StateBadge state={t.to_state} />
                    </td>
                    <td>{t.transition}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Telemetry</h3>
          {d.metrics ? (
            <dl data-testid="details-metrics">
              <dt>duration</dt>
              <dd>{formatDuration(d.metrics.duration_ms)}</dd>
              <dt>LLM tokens</dt>
              <dd>{formatCount(d.metrics.llm_tokens_consumed)}</dd>
              <dt>cost</dt>
              <dd>{formatNumber(d.metrics.cost_credits ?? null)}</dd>
              <dt>attempts / retries</dt>
              <dd>
                {formatCount(d.metrics.attempt_count)} / {formatCount(d.metrics.retry_count)}
              </dd>
              {d.metrics.error_type && (
                <>
                  <dt>error</dt>
                  <dd>
                    {d.metrics.error_type} {d.metrics.error_category && `(${d.metrics.error_category})`}
                  </dd>
                </>
              )}
            </dl>
          ) : (
            <p className="muted">No telemetry reported for this entity.</p>
          )}
          <h3>Audit events ({d.audit.length})</h3>
          {d.audit.length === 0 ? (
            <p className="muted">No audit events for this entity.</p>
          ) : (
            <ul className="plain" data-testid="details-audit">
              {d.audit.map((e) => (
                <li key={e.audit_id}>
                  <StateBadge state={e.severity} /> <span className="muted">{formatTime(e.timestamp)}</span>{' '}
                  <strong>{e.event_type}</strong> {e.message}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}

function Field({ name, value }: { name: string; value: unknown }) {
  const link = typeof value === 'string' && /^[mpjar]_[0-9a-f]{12}$/.test(value)
  return (
    <>
      <dt>{name}</dt>
      <dd className={link ? 'mono' : undefined}>{link ? <a href={traceHref(value as string)}>{value as string}</a> : textOf(value)}</dd>
    </>
  )
}

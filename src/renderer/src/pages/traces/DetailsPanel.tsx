import { Fragment } from 'react'
import type { EntityDetails } from '../../../../shared/console/domains/data'
import { StateBadge } from '../../components/StateBadge'
import { ErrorNotice, Loading, StaleNotice } from '../../components/Notices'
import { api } from '../../lib/transport/api'
import { formatCount, formatCredits, formatDuration, formatTime } from '../../lib/format/format'
import { traceHref } from '../../lib/nav/router'
import { useAsync, useDataEpoch } from '../../lib/hooks/useAsync'
import { GenAiFacts } from './GenAiFacts'

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
  const details = useAsync<EntityDetails>(
    () => api().getEntityDetails({ entityId }),
    `details:${entityId}:${epoch}`
  )
  const d = details.data
  return (
    <section
      className="card details"
      aria-label={`Details of ${entityId}`}
      data-testid="trace-details"
    >
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
            <Reason details={d} />
          </div>
          <GivenUp details={d} />
          {d.notes.map((n) => (
            <p key={n} className="notice tone-warn">
              {n}
            </p>
          ))}
          <GenAiFacts record={d.record} />
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
                  <Fragment key={t.event_id + t.timestamp}>
                    <tr>
                      <td>{formatTime(t.timestamp)}</td>
                      <td>{t.from_state ? <StateBadge state={t.from_state} /> : '–'}</td>
                      <td>
                        <StateBadge state={t.to_state} />
                      </td>
                      <td>{t.transition}</td>
                    </tr>
                    {hasReason(t.metadata) && (
                      // Why, on a line of its own: codes and messages are too wide for a column.
                      <tr className="reason">
                        <td />
                        <td colSpan={3} className="muted">
                          <ReasonText metadata={t.metadata} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
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
              <dd>{formatCredits(d.metrics.cost_credits ?? null)}</dd>
              <dt>attempts / retries</dt>
              <dd>
                {formatCount(d.metrics.attempt_count)} / {formatCount(d.metrics.retry_count)}
              </dd>
              {d.metrics.error_type && (
                <>
                  <dt>error</dt>
                  <dd>
                    {d.metrics.error_type}{' '}
                    {d.metrics.error_category && `(${d.metrics.error_category})`}
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
                  <StateBadge state={e.severity} />{' '}
                  <span className="muted">{formatTime(e.timestamp)}</span>{' '}
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
      <dd className={link ? 'mono' : undefined}>
        {link ? <a href={traceHref(value as string)}>{value as string}</a> : textOf(value)}
      </dd>
    </>
  )
}

/** Why a transition happened, from its metadata: the error code (NR-E140…) and message, or a reason. */
export function reasonOf(metadata: Record<string, unknown>): {
  code: string | null
  text: string | null
} {
  const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
  const code = str(metadata.error_code)
  const text = str(metadata.error_message) ?? str(metadata.error) ?? str(metadata.reason)
  return { code, text: text && text.length > 300 ? `${text.slice(0, 300)}…` : text }
}

function hasReason(metadata: Record<string, unknown>): boolean {
  const { code, text } = reasonOf(metadata)
  return code !== null || text !== null
}

function ReasonText({ metadata }: { metadata: Record<string, unknown> }) {
  const { code, text } = reasonOf(metadata)
  if (!code && !text) return <span className="muted">–</span>
  // The message usually starts with the code already ("NR-E140: Circuit … is open").
  const rest =
    code && text?.startsWith(code) ? text.slice(code.length).replace(/^[:\s]+/, '') : text
  return (
    <>
      {code && <span className="mono">{code}</span>} {rest}
    </>
  )
}

/** The code and message that put the entity in its current state, when its last move said why. */
function Reason({ details }: { details: EntityDetails }) {
  const last = details.history.at(-1)
  if (!last || last.to_state !== details.state) return null
  const { code, text } = reasonOf(last.metadata)
  if (!code && !text) return null
  return (
    <span data-testid="details-reason">
      <span className="muted">because</span> <ReasonText metadata={last.metadata} />
    </span>
  )
}

/**
 * A job its agent gave up on (audit `job_given_up`, newer than its last move): it stays in its
 * state (failed_mechanical, ready) but nobody will retry it.
 */
function GivenUp({ details }: { details: EntityDetails }) {
  if (
    details.entityType !== 'job' ||
    (details.state !== 'failed_mechanical' && details.state !== 'ready')
  )
    return null
  const mark = details.audit.find((e) => e.event_type === 'job_given_up')
  const lastMove = details.history.at(-1)
  if (!mark || (lastMove && Date.parse(mark.timestamp) < Date.parse(lastMove.timestamp)))
    return null
  const code = typeof mark.details.code === 'string' ? mark.details.code : null
  const reason = typeof mark.details.reason === 'string' ? mark.details.reason : mark.message
  return (
    <p className="notice tone-warn" data-testid="details-given-up">
      Given up{mark.caused_by_agent ? ` by ${mark.caused_by_agent}` : ''}:{' '}
      <ReasonText metadata={{ error_code: code, reason }} />. Nobody will retry this job.
    </p>
  )
}

import { useState } from 'react'
import { Card } from '../../components/Card'
import { ErrorNotice } from '../../components/Notices'
import { api, errorMessage } from '../../lib/transport/api'
import { useAsync } from '../../lib/hooks/useAsync'

/**
 * Where an OpenTelemetry-instrumented agent sends its traces: the local engine's OTLP/HTTP
 * endpoint and its ingest token, ready to paste into the agent's exporter settings. The token is
 * never shown; "Copy token" copies it (in the desktop app the main process writes the clipboard,
 * so the token never reaches this page; in browser mode the page's clipboard is the user's).
 */
export function OtlpEndpointPanel() {
  const endpoint = useAsync(() => api().getOtlpEndpoint({}), 'otlp-endpoint')
  const [copied, setCopied] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const e = endpoint.data

  async function copy(what: string, text: () => Promise<string | null>) {
    setError(null)
    setCopied(null)
    try {
      const value = await text()
      if (value !== null) await navigator.clipboard.writeText(value)
      setCopied(what)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const copyToken = () =>
    copy('token', async () => {
      const r = await api().copyOtlpIngestToken({})
      // Copied in main (desktop): nothing reaches this page.
      return r.copied ? null : (r.token ?? null)
    })

  return (
    <Card label="OpenTelemetry ingest" testId="otlp-panel" style={{ marginBottom: 16 }}>
      {endpoint.error && <ErrorNotice message={endpoint.error} onRetry={endpoint.reload} />}
      {e && !e.available && (
        <p className="muted">
          No local engine runs in this launch, so there is no OTLP endpoint to send traces to.
        </p>
      )}
      {e?.available && e.url && (
        <>
          <p>
            Point any OpenTelemetry-instrumented agent (GenAI semantic conventions) at the local
            engine: its runs show up beside native ones, with model, provider, tools and tokens.
          </p>
          <dl className="kv">
            <dt>endpoint</dt>
            <dd className="mono" data-testid="otlp-url">
              {e.url}{' '}
              <button type="button" onClick={() => void copy('endpoint', async () => e.url)}>
                Copy
              </button>
            </dd>
            <dt>token</dt>
            <dd>
              <span className="mono">••••••••</span>{' '}
              <button
                type="button"
                onClick={() => void copyToken()}
                data-testid="otlp-copy-token"
                disabled={!e.hasToken}
              >
                Copy token
              </button>
            </dd>
            <dt>exporter settings</dt>
            <dd className="mono" style={{ overflowWrap: 'anywhere' }}>
              OTEL_EXPORTER_OTLP_TRACES_ENDPOINT={e.url}
              <br />
              OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20&lt;token&gt;
            </dd>
          </dl>
          {copied && (
            <p role="status" className="notice tone-info">
              {copied === 'token'
                ? 'Ingest token copied. It stays the same across restarts.'
                : 'Endpoint copied.'}
            </p>
          )}
          <p className="notice tone-warn" data-testid="otlp-after-the-fact">
            Governance of these runs is after the fact: a span arrives once its step has happened,
            so budgets and circuit breakers record violations and failures but cannot stop them.
            Only an agent that asks first, through the ControlDeck SDK, can be refused.
          </p>
        </>
      )}
      {error && <ErrorNotice message={error} />}
    </Card>
  )
}

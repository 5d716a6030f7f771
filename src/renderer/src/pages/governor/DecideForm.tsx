import { useState, type FormEvent } from 'react'
import type { Decision } from '../../../../shared/neurorail/governor'
import { CheckField, TextField } from '../../components/Field'
import { FormError } from '../../components/Notices'
import { StateBadge } from '../../components/StateBadge'
import { api } from '../../lib/transport/api'
import { useBusyAction } from '../../lib/hooks/useBusyAction'
import { useWriteGate } from '../../lib/app/permissions'

/** Asks the governor for a mode decision (direct or rail) for a job type and context. */
export function DecideForm({ onDecided }: { onDecided: () => void }) {
  const gate = useWriteGate(null)
  const [jobType, setJobType] = useState('llm_call')
  const [missionId, setMissionId] = useState('')
  const [jobId, setJobId] = useState('')
  const [context, setContext] = useState('{\n  "environment": "development"\n}')
  const [shadow, setShadow] = useState(false)
  const { busy, error, setError, run } = useBusyAction()
  const [result, setResult] = useState<Decision | null>(null)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setError(null)
    let parsed: unknown
    try {
      parsed = context.trim() ? JSON.parse(context) : {}
    } catch {
      setError(
        'The context is not valid JSON. Write an object such as {"environment": "production"}.'
      )
      return
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setError('The context must be a JSON object.')
      return
    }
    await run(async () => {
      const d = await api().governorDecide({
        job_type: jobType.trim(),
        mission_id: missionId.trim() || null,
        job_id: jobId.trim() || null,
        context: parsed as Record<string, unknown>,
        shadow_evaluate: shadow
      })
      setResult(d)
      onDecided()
    })
  }

  return (
    <form
      className="card"
      onSubmit={submit}
      aria-label="Ask the governor"
      data-testid="decide-form"
    >
      <h2>Decide</h2>
      <div className="filters">
        <TextField
          label="Job type"
          value={jobType}
          onChange={setJobType}
          required
          data-testid="decide-job-type"
        />
        <TextField
          label="Mission (optional)"
          className="mono"
          value={missionId}
          onChange={setMissionId}
          placeholder="m_…"
        />
        <TextField
          label="Job (optional)"
          className="mono"
          value={jobId}
          onChange={setJobId}
          placeholder="j_…"
        />
        <CheckField label="shadow-evaluate" checked={shadow} onChange={setShadow} />
      </div>
      <label className="filters" style={{ flexDirection: 'column', alignItems: 'stretch' }}>
        <span className="muted">Context (JSON object)</span>
        <textarea
          rows={4}
          className="mono"
          value={context}
          onChange={(e) => setContext(e.target.value)}
          aria-label="Context as JSON"
        />
      </label>
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={busy || !gate.allowed}
          title={gate.reason ?? undefined}
          data-testid="decide-submit"
        >
          Decide
        </button>
        {gate.reason && <span className="muted">{gate.reason}</span>}
      </div>
      <FormError error={error} />
      {result && (
        <p role="status" data-testid="decide-result">
          Mode <StateBadge state={result.mode} label={result.mode} /> — {result.reason}
          {result.matched_rules.length > 0 && (
            <span className="muted"> (matched {result.matched_rules.join(', ')})</span>
          )}
        </p>
      )}
    </form>
  )
}

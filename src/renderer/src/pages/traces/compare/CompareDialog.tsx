import { useRef, useState, type FormEvent } from 'react'
import { entityTypeOfId } from '../../../../../shared/neurorail/ids'
import { BundleFileInput } from '../../../components/BundleFileInput'
import { TextField } from '../../../components/Field'
import { FormError } from '../../../components/Notices'
import { api } from '../../../lib/transport/api'
import { formatTime } from '../../../lib/format/format'
import { Modal } from '../../../components/Modal'
import { useAsync, useDataEpoch } from '../../../lib/hooks/useAsync'
import type { CompareSource } from './compareSides'

/** Picks what to compare a mission with: a recent mission, a pasted id, or a bundle file. */
export function CompareDialog({
  missionId,
  onPick,
  onCancel
}: {
  missionId: string
  onPick: (source: CompareSource) => void
  onCancel: () => void
}) {
  const inputRef = useRef<HTMLInputElement>(null)
  const [pasted, setPasted] = useState('')
  const [error, setError] = useState<string | null>(null)
  const epoch = useDataEpoch()
  const recent = useAsync(() => api().listMissions({ limit: 50 }), `compare-missions:${epoch}`)
  const others = (recent.data?.items ?? []).filter((m) => m.entityId !== missionId)

  function submit(e: FormEvent) {
    e.preventDefault()
    const id = pasted.trim().replace(/^controldeck:\/\/trace\//, '')
    if (entityTypeOfId(id) !== 'mission') {
      setError('Paste a mission id such as m_0123456789ab.')
      return
    }
    onPick({ kind: 'mission', missionId: id })
  }

  return (
    <Modal
      className="compare-dialog"
      labelledBy="compare-dialog-title"
      testId="compare-dialog"
      initialFocus={inputRef}
      onClose={onCancel}
    >
      <h2 id="compare-dialog-title">Compare {missionId} with…</h2>
      <form className="row" onSubmit={submit}>
        <TextField
          id="compare-id"
          label="Mission id"
          ref={inputRef}
          className="mono"
          value={pasted}
          onChange={setPasted}
          placeholder="m_…"
          size={20}
          data-testid="compare-id"
        />
        <button type="submit" className="primary">
          Compare
        </button>
      </form>
      <FormError error={error} />
      <h3 className="compare-dialog-sub">Recent missions</h3>
      {recent.error && <FormError error={recent.error} />}
      {others.length === 0 && !recent.loading ? (
        <p className="muted">No other mission is known here yet.</p>
      ) : (
        <ul className="compare-pick-list" aria-label="Recent missions" data-testid="compare-recent">
          {others.map((m) => (
            <li key={m.entityId}>
              <button
                type="button"
                onClick={() => onPick({ kind: 'mission', missionId: m.entityId })}
              >
                <span className="mono">{m.entityId}</span>
                <span className="muted">
                  {m.state ?? 'no state'} ·{' '}
                  {formatTime((m.record as { created_at?: string }).created_at)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3 className="compare-dialog-sub">Or an incident bundle</h3>
      <BundleFileInput
        label="Bundle file"
        onBundle={(bundle) => onPick({ kind: 'bundle', bundle })}
      />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Modal>
  )
}

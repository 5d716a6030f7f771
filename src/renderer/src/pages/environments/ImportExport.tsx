import { useState } from 'react'
import { api, errorMessage } from '../../lib/transport/api'
import { exportEnvironments } from '../../lib/actions/environmentActions'
import { refreshEnvironments } from './refresh'

/** Exports the remote profiles as a JSON file (no secrets) and imports such a file. */
export function ImportExport() {
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)

  async function exportAll() {
    try {
      await exportEnvironments()
      setMessage({ tone: 'ok', text: 'Exported (no credentials are included).' })
    } catch (e) {
      setMessage({ tone: 'bad', text: errorMessage(e) })
    }
  }

  async function importFile(file: File | undefined) {
    if (!file) return
    try {
      const r = await api().importEnvironments({ json: await file.text() })
      await refreshEnvironments()
      const parts = [`${r.added} added`, `${r.skipped} skipped`, ...r.errors]
      setMessage({ tone: r.errors.length ? 'bad' : 'ok', text: parts.join('; ') })
    } catch (e) {
      setMessage({ tone: 'bad', text: errorMessage(e) })
    }
  }

  return (
    <div className="row">
      <button type="button" onClick={() => void exportAll()}>
        Export JSON
      </button>
      <label className="row">
        <span>Import JSON</span>
        <input
          type="file"
          accept="application/json,.json"
          onChange={(e) => {
            const file = e.target.files?.[0]
            // Cleared so that choosing the same file again (after fixing it) fires change again.
            e.target.value = ''
            void importFile(file)
          }}
          aria-label="Import environments from a JSON file"
        />
      </label>
      {message && (
        <span className={`badge tone-${message.tone}`} role="status">
          {message.text}
        </span>
      )}
    </div>
  )
}

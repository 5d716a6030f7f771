import { useState } from 'react'
import type { IncidentBundle } from '../../../../shared/console/bundle/schema'
import { BundleFileInput } from '../../components/BundleFileInput'
import { api, errorMessage } from '../../lib/transport/api'
import { navigate, traceHref } from '../../lib/nav/router'
import { refreshEnvironments } from './refresh'

/**
 * Imports an incident bundle as a read-only offline environment, switches to it and opens the
 * bundle's mission, so every page browses what the bundle holds.
 */
export function ImportBundle() {
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)
  async function take(bundle: IncidentBundle) {
    try {
      const { environment } = await api().importIncidentBundle({ bundle })
      await refreshEnvironments()
      setMessage({ tone: 'ok', text: `Imported as "${environment.name}" (offline, read-only).` })
      navigate(traceHref(bundle.missionId))
    } catch (e) {
      setMessage({ tone: 'bad', text: errorMessage(e) })
    }
  }
  return (
    <div className="row" data-testid="bundle-import">
      <BundleFileInput label="Import incident bundle" onBundle={(bundle) => void take(bundle)} />
      {message && (
        <span className={`badge tone-${message.tone}`} role="status">
          {message.text}
        </span>
      )}
    </div>
  )
}

import { useState } from 'react'
import { useStore } from '../store'
import { api, errorMessage } from '../lib/api'

/** Title-bar select of the active environment; production ones carry a PROD badge. */
export function EnvironmentSwitcher() {
  const environments = useStore((s) => s.environments)
  const activeId = useStore((s) => s.activeEnvironmentId)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const active = environments.find((e) => e.id === activeId)

  async function onChange(id: string) {
    setBusy(true)
    setError(null)
    try {
      const connection = await api().switchEnvironment({ id })
      useStore.getState().setConnection(connection)
      const list = await api().listEnvironments({})
      useStore.getState().setEnvironments(list.environments, list.activeId, list.warnings)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <span className="row">
      <label className="visually-hidden" htmlFor="env-switcher">
        Environment
      </label>
      <select
        id="env-switcher"
        data-testid="env-switcher"
        value={activeId ?? ''}
        disabled={busy || environments.length === 0}
        onChange={(e) => void onChange(e.target.value)}
      >
        {environments.length === 0 && <option value="">No environments</option>}
        {environments.map((env) => (
          <option key={env.id} value={env.id}>
            {env.name}
            {env.isProduction ? ' (production)' : ''}
            {env.readOnly ? ' (read-only)' : ''}
          </option>
        ))}
      </select>
      {busy && (
        <span className="badge tone-idle" role="status">
          switching…
        </span>
      )}
      {active?.isProduction && <span className="badge prod">PROD</span>}
      {active?.readOnly && <span className="badge tone-idle">read-only</span>}
      {error && (
        <span className="badge tone-bad" role="alert">
          {error}
        </span>
      )}
    </span>
  )
}

import { useStore } from '../store'
import { switchEnvironmentTo } from '../lib/actions/environmentActions'
import { useBusyAction } from '../lib/hooks/useBusyAction'

/** Title-bar select of the active environment; production ones carry a PROD badge. */
export function EnvironmentSwitcher() {
  const environments = useStore((s) => s.environments)
  const activeId = useStore((s) => s.activeEnvironmentId)
  const { busy, error, run } = useBusyAction()
  const active = environments.find((e) => e.id === activeId)

  async function onChange(id: string) {
    await run(() => switchEnvironmentTo(id))
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

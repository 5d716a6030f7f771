import { useState, type FormEvent } from 'react'
import {
  AUTH_KINDS,
  ENVIRONMENT_COLORS,
  type AuthKind,
  type EnvironmentColor,
  type EnvironmentView
} from '../../../../shared/console/domains/environments'
import { FormError } from '../../components/Notices'
import { api } from '../../lib/transport/api'
import { useEnvironmentChange } from './refresh'

/** Adds a remote environment, or edits one (`env` given). The built-in one allows colour and read-only only. */
export function EnvironmentForm({ env, onClose }: { env?: EnvironmentView; onClose: () => void }) {
  const [name, setName] = useState(env?.name ?? '')
  const [baseUrl, setBaseUrl] = useState(env?.baseUrl ?? 'https://')
  const [authKind, setAuthKind] = useState<AuthKind>(env?.authKind ?? 'bearer')
  const [color, setColor] = useState<EnvironmentColor>(env?.color ?? 'blue')
  const [isProduction, setIsProduction] = useState(env?.isProduction ?? false)
  const [readOnly, setReadOnly] = useState(env?.readOnly ?? false)
  const { busy, error, change } = useEnvironmentChange(onClose)
  const builtIn = env?.builtIn ?? false

  async function submit(e: FormEvent) {
    e.preventDefault()
    await change(async () => {
      if (env) {
        const changes = builtIn
          ? { color, readOnly }
          : { name, baseUrl, authKind, color, isProduction, readOnly }
        await api().updateEnvironment({ id: env.id, changes })
      } else {
        await api().addEnvironment({ name, baseUrl, authKind, color, isProduction, readOnly })
      }
    })
  }

  return (
    <form
      className="card"
      onSubmit={submit}
      aria-label={env ? `Edit ${env.name}` : 'Add an environment'}
      data-testid="env-form"
    >
      <h2>{env ? `Edit ${env.name}` : 'Add an environment'}</h2>
      <div className="filters">
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            disabled={builtIn}
            data-testid="env-name"
          />
        </label>
        <label>
          Base URL
          <input
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            required
            disabled={builtIn}
            size={32}
            data-testid="env-url"
          />
        </label>
        <label>
          Sign-in
          <select
            value={authKind}
            onChange={(e) => setAuthKind(e.target.value as AuthKind)}
            disabled={builtIn}
          >
            {AUTH_KINDS.map((k) => (
              <option key={k} value={k}>
                {k === 'none'
                  ? 'none'
                  : k === 'bearer'
                    ? 'bearer token'
                    : 'BRAiN login (email + password)'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Colour
          <select value={color} onChange={(e) => setColor(e.target.value as EnvironmentColor)}>
            {ENVIRONMENT_COLORS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="row" style={{ flexDirection: 'row' }}>
          <input
            type="checkbox"
            checked={isProduction}
            onChange={(e) => setIsProduction(e.target.checked)}
            disabled={builtIn}
          />{' '}
          production
        </label>
        <label className="row" style={{ flexDirection: 'row' }}>
          <input
            type="checkbox"
            checked={readOnly}
            onChange={(e) => setReadOnly(e.target.checked)}
            data-testid="env-readonly"
          />{' '}
          read-only
        </label>
      </div>
      <FormError error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy} data-testid="env-save">
          {env ? 'Save' : 'Add'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  )
}

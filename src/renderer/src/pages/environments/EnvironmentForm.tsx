import { useState, type FormEvent } from 'react'
import {
  AUTH_KINDS,
  ENVIRONMENT_COLORS,
  type AuthKind,
  type EnvironmentColor,
  type EnvironmentView
} from '../../../../shared/console/domains/environments'
import { CheckField, FormActions, SelectField, TextField } from '../../components/Field'
import { api } from '../../lib/transport/api'
import { useEnvironmentChange } from './refresh'

const AUTH_KIND_LABELS: Record<AuthKind, string> = {
  none: 'none',
  bearer: 'bearer token',
  brain_login: 'BRAiN login (email + password)'
}

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
        {/* What the built-in environment does not let an operator change, disabled at once. */}
        <fieldset className="field-group" disabled={builtIn}>
          <TextField label="Name" value={name} onChange={setName} required data-testid="env-name" />
          <TextField
            label="Base URL"
            value={baseUrl}
            onChange={setBaseUrl}
            required
            size={32}
            data-testid="env-url"
          />
          <SelectField
            label="Sign-in"
            value={authKind}
            options={AUTH_KINDS}
            optionLabel={(k) => AUTH_KIND_LABELS[k]}
            onChange={setAuthKind}
          />
          <CheckField label="production" checked={isProduction} onChange={setIsProduction} />
        </fieldset>
        <SelectField
          label="Colour"
          value={color}
          options={ENVIRONMENT_COLORS}
          onChange={setColor}
        />
        <CheckField
          label="read-only"
          checked={readOnly}
          onChange={setReadOnly}
          data-testid="env-readonly"
        />
      </div>
      <FormActions error={error} onCancel={onClose}>
        <button type="submit" className="primary" disabled={busy} data-testid="env-save">
          {env ? 'Save' : 'Add'}
        </button>
      </FormActions>
    </form>
  )
}

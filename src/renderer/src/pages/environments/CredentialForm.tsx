import { useState, type FormEvent } from 'react'
import type { EnvironmentView } from '../../../../shared/console/domains/environments'
import { FormActions, TextField } from '../../components/Field'
import { api } from '../../lib/transport/api'
import { useEnvironmentChange } from './refresh'

/**
 * Sets or clears an environment's credential. Secrets only travel to the main side; the page
 * never receives them back and only ever shows "has credential".
 */
export function CredentialForm({ env, onClose }: { env: EnvironmentView; onClose: () => void }) {
  const [token, setToken] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const { busy, error, change } = useEnvironmentChange(onClose)

  async function run(action: () => Promise<unknown>) {
    await change(action)
    setToken('')
    setPassword('')
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    const credential =
      env.authKind === 'brain_login'
        ? { kind: 'brain_login' as const, email, password }
        : { kind: 'token' as const, token }
    // The secret leaves the page's fields at once: it must not sit in the DOM (React mirrors a
    // controlled input's value into its attribute) while the call is on its way.
    setToken('')
    setPassword('')
    void run(() => api().setCredential({ environmentId: env.id, credential }))
  }

  return (
    <form
      className="card"
      onSubmit={submit}
      aria-label={`Credential of ${env.name}`}
      autoComplete="off"
    >
      <h2>Credential of {env.name}</h2>
      <p className="muted">
        {env.hasCredential
          ? `A credential is set (${env.credentialStorage === 'keychain' ? 'in the OS keychain' : 'for this session only'}).`
          : 'No credential is set.'}
      </p>
      <div className="filters">
        {env.authKind === 'brain_login' ? (
          <>
            <TextField
              label="Email"
              type="email"
              value={email}
              onChange={setEmail}
              required
              autoComplete="off"
            />
            <TextField
              label="Password"
              type="password"
              value={password}
              onChange={setPassword}
              required
              autoComplete="new-password"
            />
          </>
        ) : (
          <TextField
            label="Bearer token"
            type="password"
            value={token}
            onChange={setToken}
            required
            autoComplete="new-password"
            size={32}
          />
        )}
      </div>
      <FormActions error={error} onCancel={onClose}>
        <button type="submit" className="primary" disabled={busy || env.authKind === 'none'}>
          Save credential
        </button>
        {env.hasCredential && (
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void run(() => api().clearCredential({ environmentId: env.id }))}
          >
            Clear credential
          </button>
        )}
      </FormActions>
    </form>
  )
}

import { useState } from 'react'
import type { EnvironmentView } from '../../../../shared/console/domains/environments'
import { Mono } from '../../components/Mono'
import { ActionButton } from '../../components/ActionButton'
import { DataTable } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/Notices'
import { Page } from '../../components/Page'
import { StateBadge } from '../../components/StateBadge'
import { api, errorMessage } from '../../lib/transport/api'
import { useAsync } from '../../lib/hooks/useAsync'
import { useStore } from '../../store'
import { CachePanel } from './CachePanel'
import { CredentialForm } from './CredentialForm'
import { EnvironmentForm } from './EnvironmentForm'
import { ImportBundle } from './ImportBundle'
import { ImportExport } from './ImportExport'
import { OtlpEndpointPanel } from './OtlpEndpointPanel'
import { refreshEnvironments } from './refresh'

type Editing =
  | { kind: 'add' }
  | { kind: 'edit'; env: EnvironmentView }
  | { kind: 'credential'; env: EnvironmentView }
  | null

/** Environments: list, add, edit, duplicate, remove, switch, credentials, import/export, cache. */
export function EnvironmentsPage() {
  const environments = useStore((s) => s.environments)
  const activeId = useStore((s) => s.activeEnvironmentId)
  const warnings = useStore((s) => s.environmentWarnings)
  const connection = useStore((s) => s.connection)
  const keychain = useAsync(() => api().getKeychainStatus({}), 'keychain')
  const [editing, setEditing] = useState<Editing>(null)
  const [error, setError] = useState<string | null>(null)

  async function act(action: () => Promise<unknown>) {
    setError(null)
    try {
      await action()
      await refreshEnvironments()
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <Page
      title="Environments"
      head={
        <>
          <button
            type="button"
            className="primary"
            onClick={() => setEditing({ kind: 'add' })}
            data-testid="env-add"
          >
            Add environment
          </button>
          <ImportExport />
          <ImportBundle />
        </>
      }
    >
      {warnings.map((w) => (
        <p key={w} className="notice tone-warn">
          {w}
        </p>
      ))}
      {keychain.data && !keychain.data.available && (
        <p
          className="notice tone-warn"
          role="status"
          data-testid="keychain-status"
          data-reason={keychain.data.reason ?? undefined}
        >
          {keychain.data.message ??
            'No OS keychain answers: credentials are kept for this session only and never written to disk.'}
        </p>
      )}
      {error && <ErrorNotice message={error} />}
      {editing?.kind === 'add' && <EnvironmentForm onClose={() => setEditing(null)} />}
      {editing?.kind === 'edit' && (
        <EnvironmentForm key={editing.env.id} env={editing.env} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'credential' && (
        <CredentialForm key={editing.env.id} env={editing.env} onClose={() => setEditing(null)} />
      )}

      {environments.length === 0 ? (
        <EmptyState title="No environments loaded">
          The built-in local engine and every backend you add (dev, staging, production) are listed
          here with their sign-in state.
        </EmptyState>
      ) : (
        <div style={{ marginBottom: 16 }}>
          <DataTable<EnvironmentView>
            label="Environments"
            testId="env-table"
            rows={environments}
            rowKey={(env) => env.id}
            rowData={(env) => ({ 'data-env-id': env.id })}
            rowHeight={38}
            height="50vh"
            columns={[
              {
                id: 'name',
                header: 'Name',
                width: 300,
                cell: (env) => (
                  <span>
                    <span
                      className="env-dot"
                      style={{ background: `var(--env-${env.color})` }}
                      aria-hidden="true"
                    />{' '}
                    <strong>{env.name}</strong>
                    {env.id === activeId && (
                      <>
                        {' '}
                        <StateBadge
                          state={connection?.status ?? 'connecting'}
                          label={`active · ${connection?.status ?? 'connecting'}`}
                        />
                      </>
                    )}
                  </span>
                )
              },
              { id: 'url', header: 'URL', width: 200, cell: (env) => <Mono>{env.baseUrl}</Mono> },
              {
                id: 'flags',
                header: 'Flags',
                width: 150,
                cell: (env) => (
                  <span>
                    {env.isProduction && <span className="badge prod">PROD</span>}{' '}
                    {env.readOnly && <span className="badge tone-idle">read-only</span>}{' '}
                    {env.builtIn && <span className="badge tone-info">built-in</span>}
                  </span>
                )
              },
              {
                id: 'credential',
                header: 'Credential',
                width: 170,
                cell: (env) =>
                  env.authKind === 'none'
                    ? 'not needed'
                    : env.hasCredential
                      ? `has credential (${env.credentialStorage})`
                      : 'none set'
              },
              {
                id: 'actions',
                header: 'Actions',
                width: 320,
                cell: (env) => (
                  <span className="row">
                    {env.id !== activeId && (
                      <button
                        type="button"
                        onClick={() =>
                          void act(async () => {
                            useStore
                              .getState()
                              .setConnection(await api().switchEnvironment({ id: env.id }))
                          })
                        }
                      >
                        Switch
                      </button>
                    )}
                    {/* The ad-hoc --url environment is never saved, so there is nothing of it to edit. */}
                    {(!env.builtIn || env.kind === 'embedded') && (
                      <button type="button" onClick={() => setEditing({ kind: 'edit', env })}>
                        Edit
                      </button>
                    )}
                    {/* Built-in credentials come from this launch (the local engine's token, --token);
                      the main side refuses to set them, so no button offers it. */}
                    {env.authKind !== 'none' && !env.builtIn && (
                      <button type="button" onClick={() => setEditing({ kind: 'credential', env })}>
                        Credential
                      </button>
                    )}
                    {!env.builtIn && (
                      <button
                        type="button"
                        onClick={() => void act(() => api().duplicateEnvironment({ id: env.id }))}
                      >
                        Duplicate
                      </button>
                    )}
                    {!env.builtIn && (
                      <ActionButton
                        label="Remove"
                        danger
                        confirmTitle={`Remove ${env.name}?`}
                        confirmBody="The profile, its keychain entry and its local cache are deleted. The backend itself is not touched."
                        gate={{ allowed: true, reason: null }}
                        run={() => api().removeEnvironment({ id: env.id })}
                        onDone={() => void refreshEnvironments()}
                      />
                    )}
                  </span>
                )
              }
            ]}
          />
        </div>
      )}
      <OtlpEndpointPanel />
      <CachePanel />
    </Page>
  )
}

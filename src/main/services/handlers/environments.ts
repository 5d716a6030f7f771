import {
  environmentsMethods,
  type AuthKind,
  type CredentialInput
} from '../../../shared/console/domains/environments'
import type { DomainHandlers, HandlerModule, ServiceContext } from '../context'
import { originOf } from '../credentials/binding'
import type { StoredSecret } from '../credentials/credential-store'
import type { SessionManager } from '../session'
import type { ConsoleSessions } from '../session/console-sessions'
import { fail, withFailures } from '../session/failures'
import { buildOtlpEndpointHandlers } from './otlp-endpoint'

// The OTLP endpoint's two methods are in `./otlp-endpoint` (they need the launch, not the sessions).
type EnvironmentsHandlers = Omit<
  DomainHandlers<typeof environmentsMethods>,
  'getOtlpEndpoint' | 'copyOtlpIngestToken'
>

/** The credential each auth kind takes, and how to name it to the operator (none: no credential). */
const CREDENTIAL_OF: Record<AuthKind, { kind: CredentialInput['kind']; what: string } | null> = {
  none: null,
  bearer: { kind: 'token', what: 'a bearer token' },
  brain_login: { kind: 'brain_login', what: 'a BRAiN email and password' }
}

function toSecret(credential: CredentialInput): StoredSecret {
  return credential.kind === 'token'
    ? { kind: 'token', token: credential.token }
    : { kind: 'brain_login', email: credential.email, password: credential.password }
}

/** Environment CRUD, switching, credentials and connection state, on the service's SessionManager. */
export function buildEnvironmentsHandlers(sessions: ConsoleSessions): EnvironmentsHandlers {
  const manager = () => sessions.manager()
  /** Reconnects when the active environment's connection settings changed. */
  const reopenIfActive = async (m: SessionManager, id: string): Promise<void> => {
    if ((await m.active()).profile.id === id) await m.reopen()
  }
  const savedEnvironment = (m: SessionManager, id: string) => {
    const profile = m.environments.get(id)
    if (profile.builtIn) {
      throw fail(
        'invalid_input',
        profile.kind === 'embedded'
          ? "The local engine's credential is created by ControlDeck at each launch and cannot be set."
          : 'The ad-hoc environment uses the --token given on the command line.'
      )
    }
    if (profile.kind === 'bundle') {
      throw fail(
        'invalid_input',
        `"${profile.name}" is an imported incident bundle: it has no backend, so it takes no credential.`
      )
    }
    return profile
  }

  const handlers: EnvironmentsHandlers = {
    listEnvironments: async () => {
      const m = await manager()
      return {
        environments: m.views(),
        activeId: m.environments.activeId,
        warnings: [...m.environments.warnings]
      }
    },
    getConnectionState: async () => (await sessions.active()).state,
    switchEnvironment: async ({ id }) => (await manager()).switchTo(id),
    addEnvironment: async (input) => {
      const m = await manager()
      const profile = await m.environments.add(input)
      m.emitEnvironments()
      return m.view(profile)
    },
    updateEnvironment: async ({ id, changes }) => {
      const m = await manager()
      const before = m.environments.get(id)
      const profile = await m.environments.update(id, changes)
      // A credential was given for one host: when the profile now points at another origin, the
      // secret is dropped rather than sent to a server the operator never entered it for.
      if (originOf(before.baseUrl) !== originOf(profile.baseUrl)) await m.credentials.clear(before)
      m.emitEnvironments()
      if (changes.baseUrl !== undefined || changes.authKind !== undefined)
        await reopenIfActive(m, id)
      return m.view(profile)
    },
    removeEnvironment: async ({ id }) => {
      const m = await manager()
      await m.remove(id)
      return { removedId: id, activeId: m.environments.activeId }
    },
    duplicateEnvironment: async ({ id }) => {
      const m = await manager()
      const copy = await m.environments.duplicate(id)
      m.emitEnvironments()
      return m.view(copy)
    },
    exportEnvironments: async () => ({ json: (await manager()).environments.exportJson() }),
    importEnvironments: async ({ json }) => {
      const m = await manager()
      const result = await m.environments.importJson(json)
      if (result.added > 0) m.emitEnvironments()
      return result
    },
    setCredential: async ({ environmentId, credential }) => {
      const m = await manager()
      const profile = savedEnvironment(m, environmentId)
      const expected = CREDENTIAL_OF[profile.authKind]
      if (expected?.kind !== credential.kind) {
        throw fail(
          'invalid_input',
          expected === null
            ? `"${profile.name}" uses no authentication; change its auth kind first.`
            : `"${profile.name}" expects ${expected.what}.`
        )
      }
      // Profiles saved before secrets were bound get their credential id here.
      const owner = await m.environments.withCredentialId(environmentId)
      const status = await m.credentials.set(owner, toSecret(credential))
      m.emitEnvironments()
      await reopenIfActive(m, environmentId)
      return status
    },
    clearCredential: async ({ environmentId }) => {
      const m = await manager()
      const profile = savedEnvironment(m, environmentId)
      const status = await m.credentials.clear(profile)
      m.emitEnvironments()
      await reopenIfActive(m, environmentId)
      return status
    },
    getKeychainStatus: async () => (await manager()).credentials.keychainStatus()
  }
  // No environments method is marked write: they change this console's own settings, never a
  // backend, and turning read-only off must stay possible on a read-only environment.
  return withFailures(handlers)
}

/** Handlers of the environments domain (the console service owns and closes the sessions). */
export function createEnvironmentsHandlers(
  ctx: ServiceContext
): HandlerModule<typeof environmentsMethods> {
  return {
    handlers: {
      ...buildEnvironmentsHandlers(ctx.sessions),
      ...withFailures(buildOtlpEndpointHandlers(ctx))
    }
  }
}

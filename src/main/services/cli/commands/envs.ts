import type {
  EnvironmentList,
  EnvironmentView,
  KeychainStatus
} from '../../../../shared/console/domains/environments'
import { oneLine } from '../../client/backend-error'
import { consoleCommand, noArguments } from './console-command'

/** One environment as `envs` shows it: the console's view, and whether it is the active one. */
type EnvRow = Omit<EnvironmentView, 'builtIn'> & { active: boolean }

/**
 * The text form of `controldeck envs`: one line per environment, `*` marks the active one, then
 * why no keychain is used (if so: secrets are then kept by no command) and load warnings.
 */
export function formatEnvs(rows: EnvRow[], warnings: string[], keychain?: KeychainStatus): string {
  const lines = rows.map((r) => {
    const flags = [
      r.isProduction ? 'PROD' : '',
      r.readOnly ? 'read-only' : '',
      r.authKind !== 'none' && r.kind !== 'embedded'
        ? `${r.authKind}${r.hasCredential ? '' : ' (no credential)'}`
        : ''
    ]
      .filter(Boolean)
      .join(', ')
    const url = r.baseUrl || (r.kind === 'embedded' ? '(started per command)' : '')
    return `${r.active ? '*' : ' '} ${r.id.padEnd(20)} ${oneLine(r.name, 40).padEnd(28)} ${url.padEnd(36)} ${flags}`.trimEnd()
  })
  const noKeychain =
    keychain && !keychain.available && keychain.message ? [`keychain: ${keychain.message}`] : []
  return [...lines, ...noKeychain, ...warnings.map((w) => `warning: ${w}`)].join('\n')
}

/** What `envs` asks the console: the environment list and the keychain's state. */
interface EnvsAnswer {
  list: EnvironmentList
  keychain: KeychainStatus
}

/** One row of `envs --json`: the console's view of an environment, and whether it is active. */
function toRow(view: EnvironmentView, activeId: string): EnvRow {
  return {
    id: view.id,
    name: view.name,
    kind: view.kind,
    baseUrl: view.baseUrl,
    authKind: view.authKind,
    color: view.color,
    isProduction: view.isProduction,
    readOnly: view.readOnly,
    hasCredential: view.hasCredential,
    credentialStorage: view.credentialStorage,
    active: view.id === activeId
  }
}

/** `controldeck envs`: the saved environments, the built-in local engine, and which one is active. */
export const envsCommand = consoleCommand({
  name: 'envs',
  summary: 'list environments (* = active); never shows secrets',
  usage: 'envs [--json]',
  needs: 'settings',
  parse: noArguments('envs'),
  ask: async (api): Promise<EnvsAnswer> => ({
    list: await api.invoke('listEnvironments', {}),
    keychain: await api.invoke('getKeychainStatus', {})
  }),
  text: ({ list, keychain }) =>
    formatEnvs(
      list.environments.map((view) => toRow(view, list.activeId)),
      list.warnings,
      keychain
    ),
  json: ({ list, keychain }) => ({
    environments: list.environments.map((view) => toRow(view, list.activeId)),
    activeId: list.activeId,
    keychain,
    warnings: list.warnings
  })
})

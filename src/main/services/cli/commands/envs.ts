import type { KeychainStatus } from '../../../../shared/console/domains/environments'
import { openEnvironments } from '../../environments/open-environments'
import { effectiveColor } from '../../environments/profile'
import { oneLine } from '../../client/backend-error'
import { CliError, EXIT, type CliCommand } from '../args'

interface EnvRow {
  id: string
  name: string
  kind: string
  baseUrl: string
  authKind: string
  color: string
  isProduction: boolean
  readOnly: boolean
  hasCredential: boolean
  credentialStorage: string
  active: boolean
}

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

/** `controldeck envs`: the saved environments, the built-in local engine, and which one is active. */
export const envsCommand: CliCommand = {
  name: 'envs',
  summary: 'list environments (* = active); never shows secrets',
  usage: 'envs [--json]',
  async run({ global, positionals, print }) {
    if (positionals.length > 0)
      throw new CliError(`envs takes no arguments (got "${positionals[0]}")`)
    const adHoc = global.adHoc
      ? { url: global.adHoc.url, hasToken: Boolean(global.adHoc.token) }
      : null
    const { environments, credentials } = await openEnvironments({
      dataDir: global.dataDir,
      localUrl: null,
      adHoc
    })
    const rows: EnvRow[] = environments.list().map((p) => {
      const status = p.builtIn
        ? {
            hasCredential: p.kind === 'embedded' || Boolean(global.adHoc?.token),
            storage: 'session'
          }
        : credentials.status(p)
      return {
        id: p.id,
        name: p.name,
        kind: p.kind,
        baseUrl: p.baseUrl,
        authKind: p.authKind,
        color: effectiveColor(p),
        isProduction: p.isProduction,
        readOnly: p.readOnly,
        hasCredential: status.hasCredential,
        credentialStorage: status.storage,
        active: p.id === environments.activeId
      }
    })
    const keychain = credentials.keychainStatus()
    print(
      {
        environments: rows,
        activeId: environments.activeId,
        keychain,
        warnings: environments.warnings
      },
      () => formatEnvs(rows, environments.warnings, keychain)
    )
    return EXIT.ok
  }
}

import type { EnvironmentView } from '../../../../shared/console/domains/environments'
import { CliError, EXIT } from '../args'
import { consoleCommand } from './console-command'

/**
 * The environment `wanted` names: its id, else its name (case-insensitive), as the operator typed
 * it on the command line. @throws CliError not found (exit 2)
 */
export function findEnvironment(
  environments: readonly EnvironmentView[],
  wanted: string
): EnvironmentView {
  const name = wanted.trim().toLowerCase()
  const found =
    environments.find((e) => e.id === wanted) ??
    environments.find((e) => e.name.toLowerCase() === name)
  if (!found)
    throw new CliError(
      `There is no environment called "${wanted}" (see \`controldeck envs\`).`,
      EXIT.notFound
    )
  return found
}

/** `controldeck use <env>`: makes a saved environment (by id or name) the active one, for the CLI and the app. */
export const useCommand = consoleCommand({
  name: 'use',
  summary: 'make an environment (id or name) the active one',
  usage: 'use <env> [--json]',
  needs: 'settings',
  parse({ global, positionals }) {
    if (global.adHoc)
      throw new CliError('use cannot be combined with --url (an ad-hoc environment is never saved)')
    const wanted = positionals[0]
    if (!wanted || positionals.length > 1)
      throw new CliError('usage: controldeck use <env> (see controldeck envs)')
    return wanted
  },
  ask: async (api, wanted) => {
    const { environments } = await api.invoke('listEnvironments', {})
    const { id, name } = findEnvironment(environments, wanted)
    // The console's switch: saved as the active environment for the CLI and the app alike.
    await api.invoke('switchEnvironment', { id })
    return { activeId: id, name }
  },
  text: ({ activeId, name }) => `Now using ${name} (${activeId}).`
})

import { EnvironmentError, EnvironmentStore } from '../../environments/environment-store'
import { CliError, EXIT, type CliCommand } from '../args'

/** `controldeck use <env>`: makes a saved environment (by id or name) the active one, for the CLI and the app. */
export const useCommand: CliCommand = {
  name: 'use',
  summary: 'make an environment (id or name) the active one',
  usage: 'use <env> [--json]',
  async run({ global, positionals, print }) {
    if (global.adHoc)
      throw new CliError('use cannot be combined with --url (an ad-hoc environment is never saved)')
    const wanted = positionals[0]
    if (!wanted || positionals.length > 1)
      throw new CliError('usage: controldeck use <env> (see controldeck envs)')
    const environments = await EnvironmentStore.load({ dataDir: global.dataDir, localUrl: null })
    let id: string
    try {
      id = environments.resolve(wanted).id
    } catch (error) {
      if (error instanceof EnvironmentError && error.code === 'not_found')
        throw new CliError(error.message, EXIT.notFound)
      throw error
    }
    await environments.setActive(id)
    const profile = environments.get(id)
    print({ activeId: id, name: profile.name }, () => `Now using ${profile.name} (${id}).`)
    return EXIT.ok
  }
}

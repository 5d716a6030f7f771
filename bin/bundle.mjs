// Where the launchers find their built code (scripts/build-node.mjs writes out/node/).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The path of the built bundle `out/node/<file>`; when it is missing, `command` says in one line
 * how to build it and the process exits with 1.
 */
export function builtBundle(command, file) {
  const bundle = fileURLToPath(new URL(`../out/node/${file}`, import.meta.url))
  if (!existsSync(bundle)) {
    console.error(
      `${command}: not built yet; run \`npm run build:node\` in the ControlDeck folder first`
    )
    process.exit(1)
  }
  return bundle
}

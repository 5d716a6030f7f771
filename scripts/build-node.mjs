#!/usr/bin/env node
// Bundles the Node-side entry points (CLI, engine, agent SDK) into out/node with esbuild.
// Native modules and npm packages stay external: they are resolved from node_modules at run time.
import { build } from 'esbuild'
import { existsSync } from 'node:fs'

const entries = {
  controldeck: 'src/main/services/cli/main.ts',
  engine: 'src/engine/cli.ts',
  agent: 'src/agent/index.ts',
  // Run by scripts/start.mjs and dev.mjs before Electron: better-sqlite3 built for Electron.
  'native-sqlite': 'src/main/services/native/prepare-for-electron.ts',
  // The bundled demo agents that `controldeck run demo:NAME` and the console start.
  'demos/flaky': 'src/agent/demos/flaky.ts',
  'demos/slow': 'src/agent/demos/slow.ts',
  'demos/greedy': 'src/agent/demos/greedy.ts'
}
// `node scripts/build-node.mjs engine` builds only the named entries (tests that spawn a bin).
const only = process.argv.slice(2)
const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(
    ([name, file]) => existsSync(file) && (only.length === 0 || only.includes(name))
  )
)

await build({
  entryPoints,
  outdir: 'out/node',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning'
})

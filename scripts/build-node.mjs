#!/usr/bin/env node
// Bundles the Node-side entry points (CLI, engine, agent SDK) into out/node with esbuild.
// Native modules and npm packages stay external: they are resolved from node_modules at run time.
import { build } from 'esbuild'
import { existsSync } from 'node:fs'

const entries = {
  controldeck: 'src/main/services/cli/main.ts',
  engine: 'src/engine/cli.ts',
  agent: 'src/agent/index.ts'
}
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)))

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

#!/usr/bin/env node
// ControlDeck CLI: environments, traces, tails, audit, serve (browser mode), local agent runs.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bundle = fileURLToPath(new URL('../out/node/controldeck.js', import.meta.url))
if (!existsSync(bundle)) {
  console.error(
    'controldeck: not built yet; run `npm run build:node` in the ControlDeck folder first'
  )
  process.exit(1)
}
await import(bundle)

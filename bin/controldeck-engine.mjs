#!/usr/bin/env node
// The embedded NeuroRail-compatible governance engine, standalone.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bundle = fileURLToPath(new URL('../out/node/engine.js', import.meta.url))
if (!existsSync(bundle)) {
  console.error('controldeck-engine: not built yet; run `npm run build:node` in the ControlDeck folder first')
  process.exit(1)
}
await import(bundle)

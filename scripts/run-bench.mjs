#!/usr/bin/env node
// Runs one benchmark file (TypeScript) under plain Node through tsx and lets it print its figures.
import { spawnSync } from 'node:child_process'

const file = process.argv[2]
if (!file) {
  console.error('usage: node scripts/run-bench.mjs bench/<name>.bench.ts')
  process.exit(1)
}
const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(3)], {
  stdio: 'inherit'
})
process.exit(result.status ?? 1)

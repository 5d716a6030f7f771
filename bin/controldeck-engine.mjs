#!/usr/bin/env node
// The embedded NeuroRail-compatible governance engine, standalone. glibc reads MALLOC_ARENA_MAX
// and V8 its heap sizes only at process start, so the launcher starts the engine in a child Node
// process with them (see engine-runtime.mjs) and forwards signals, so that SIGTERM still shuts the
// engine down gracefully. CONTROLDECK_ENGINE_UNTUNED=1 runs it in this process with Node's defaults.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from './engine-runtime.mjs'

const bundle = fileURLToPath(new URL('../out/node/engine.js', import.meta.url))
if (!existsSync(bundle)) {
  console.error('controldeck-engine: not built yet; run `npm run build:node` in the ControlDeck folder first')
  process.exit(1)
}

if (process.env.CONTROLDECK_ENGINE_UNTUNED === '1') {
  await import(bundle)
} else {
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, bundle, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...ENGINE_ENV, CONTROLDECK_ENGINE_UNTUNED: '1' }
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

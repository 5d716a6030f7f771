#!/usr/bin/env node
// The embedded NeuroRail-compatible governance engine, standalone. glibc reads MALLOC_ARENA_MAX
// and V8 its heap sizes only at process start, so the launcher starts the engine in a child Node
// process with them (see engine-runtime.mjs) and forwards signals, so that SIGTERM still shuts the
// engine down gracefully. CONTROLDECK_ENGINE_UNTUNED=1 runs it in this process with Node's defaults.
//
// Two things the child must not inherit from a naive re-exec: a `--token` on its command line
// (readable by every local user) goes over in its environment instead, and this launcher's own
// command line is overwritten once read; and since a launcher killed by SIGKILL cannot forward
// anything, the child gets an IPC channel whose closing tells it the launcher is gone (see
// exitWithLauncher in src/engine/cli.ts), so it never outlives us holding the port and database.
import { spawn } from 'node:child_process'
import { builtBundle } from './bundle.mjs'
import { ARGV_TOKEN_ENV, ENGINE_ENV, ENGINE_NODE_FLAGS, takeTokenFlag } from './engine-runtime.mjs'

const bundle = builtBundle('controldeck-engine', 'engine.js')

if (process.env.CONTROLDECK_ENGINE_UNTUNED === '1') {
  await import(bundle)
} else {
  const { args, token } = takeTokenFlag(process.argv.slice(2))
  const env = { ...process.env, ...ENGINE_ENV, CONTROLDECK_ENGINE_UNTUNED: '1' }
  delete env[ARGV_TOKEN_ENV]
  if (token !== undefined) {
    env[ARGV_TOKEN_ENV] = token
    // Shorter than the original command line, so it replaces it entirely in /proc/<pid>/cmdline.
    process.title = ['controldeck-engine', ...args].join(' ')
    console.error(
      'controldeck-engine: --token is visible to other local users until it is read; prefer --token-file or CONTROLDECK_ENGINE_TOKEN'
    )
  }
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, bundle, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

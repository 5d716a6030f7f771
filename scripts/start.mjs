#!/usr/bin/env node
// `npm start`: always starts the console. Builds when out/ is missing or older than the sources,
// then launches the Electron app; where Electron's binary is missing, cannot be downloaded or has
// no display to open a window on, it says so in one line and starts browser mode instead.
// Extra arguments go to `controldeck serve` in browser mode (e.g. `npm start -- --port 8080`).
// Before Electron starts, better-sqlite3 is built once for its version into a per-user cache
// (node_modules keeps Node's build for the CLI and the tests; see scripts/native-sqlite.mjs).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findElectronBinary, hasDisplay } from './electron-binary.mjs'
import { prepareNativeModules } from './native-sqlite.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)

const OUTPUTS = [
  'out/main/index.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
  'out/node/controldeck.js',
  'out/node/native-sqlite.js'
]
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json', 'scripts/build-node.mjs']

/** Newest modification time under `entry` (a file or a folder, walked recursively). */
function newestMtime(entry) {
  if (!existsSync(entry)) return 0
  const info = statSync(entry)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const name of readdirSync(entry)) {
    newest = Math.max(newest, newestMtime(path.join(entry, name)))
  }
  return newest
}

function needsBuild() {
  if (OUTPUTS.some((file) => !existsSync(file))) return true
  const oldestOutput = Math.min(...OUTPUTS.map((file) => statSync(file).mtimeMs))
  return Math.max(...INPUTS.map(newestMtime)) > oldestOutput
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`controldeck: \`${[command, ...args].join(' ')}\` failed; see above`)
    process.exit(result.status ?? 1)
  }
}

if (needsBuild()) {
  console.log('controldeck: building (out/ is missing or older than the sources)…')
  const electronVite = path.join('node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  run(process.execPath, [electronVite, 'build'])
  run(process.execPath, ['scripts/build-node.mjs'])
}

/** Runs a child in the foreground, passing Ctrl-C through, and exits with its code. */
function foreground(command, args) {
  const child = spawn(command, args, { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

const electron = findElectronBinary({ download: true })
let reason = electron.reason
if (electron.path && !hasDisplay()) reason = 'no DISPLAY or WAYLAND_DISPLAY to open a window on'

if (!reason) {
  await prepareNativeModules(electron.version)
  // Chromium will not start as root with its OS-level sandbox; the renderer sandbox still applies.
  const args = process.getuid?.() === 0 ? ['--no-sandbox', '.'] : ['.']
  foreground(electron.path, args)
} else {
  console.log(`Electron binary not available here (${reason}); starting browser mode instead`)
  foreground(process.execPath, ['bin/controldeck.mjs', 'serve', ...process.argv.slice(2)])
}

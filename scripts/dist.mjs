#!/usr/bin/env node
// `npm run dist`: the installers for this platform (electron-builder.config.mjs) into dist/.
// electron-builder rebuilds the native modules for Electron's ABI in place, in node_modules, which
// would leave `npm test` (plain Node) unable to load better-sqlite3 afterwards, and a failed
// rebuild leaves no binary at all. So Node's builds are set aside first and put back afterwards,
// whether packaging worked or not. Extra arguments go to electron-builder (e.g. `-- --mac --arm64`).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)

/** The native modules electron-builder rebuilds (see asarUnpack in electron-builder.config.mjs). */
const NATIVE = ['better-sqlite3', 'keytar']
const backup = path.join(root, '.cache', 'dist', 'node-builds')

function run(command, args) {
  return spawnSync(command, args, { stdio: 'inherit' }).status ?? 1
}

const built = run(process.execPath, [
  path.join('node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
  'build'
])
if (built !== 0) process.exit(built)

rmSync(backup, { recursive: true, force: true })
const saved = []
for (const name of NATIVE) {
  const build = path.join('node_modules', name, 'build')
  if (!existsSync(build)) continue
  mkdirSync(path.join(backup, name), { recursive: true })
  cpSync(build, path.join(backup, name, 'build'), { recursive: true, verbatimSymlinks: true })
  saved.push(name)
}

let status = 1
try {
  status = run(process.execPath, [
    path.join('node_modules', 'electron-builder', 'cli.js'),
    '--config',
    'electron-builder.config.mjs',
    '--publish',
    'never',
    ...process.argv.slice(2)
  ])
} finally {
  for (const name of saved) {
    const build = path.join('node_modules', name, 'build')
    rmSync(build, { recursive: true, force: true })
    cpSync(path.join(backup, name, 'build'), build, { recursive: true, verbatimSymlinks: true })
  }
  rmSync(backup, { recursive: true, force: true })
  if (saved.length > 0)
    console.log(`dist: put Node's builds of ${saved.join(' and ')} back into node_modules`)
}
process.exit(status)

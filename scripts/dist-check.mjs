#!/usr/bin/env node
// `npm run dist:check`: packs the app exactly as `npm run dist` does, but offline and in seconds,
// then runs the test that inspects the result (test/dist/packed-app.dist.test.ts). Three things
// differ from a real build, and only here: Electron itself is a stand-in distribution (a folder
// with a dummy `electron` executable: no Electron zip is downloaded), the native modules are not
// rebuilt for Electron's ABI (that needs Electron's headers), and fuses are not flipped (there is
// no real binary to flip them in). The target is Linux `dir` (no AppImage/deb tooling needed).
// Every HTTP(S) request is pointed at a closed port, so anything that tries to download fails.
// `--prebuilt` skips `electron-vite build` when out/ was just built (npm test builds it for e2e).
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)
const require = createRequire(import.meta.url)

// Before electron-builder loads: any download attempt must fail loudly instead of happening.
const closed = 'http://127.0.0.1:9'
// HTTP(S)_PROXY for electron-builder's own fetches and app-builder; GLOBAL_AGENT_* for @electron/get.
for (const name of [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'http_proxy',
  'https_proxy',
  'GLOBAL_AGENT_HTTP_PROXY',
  'GLOBAL_AGENT_HTTPS_PROXY'
]) {
  process.env[name] = closed
}
process.env.ELECTRON_GET_USE_PROXY = '1'
delete process.env.NO_PROXY
delete process.env.no_proxy
process.env.CSC_IDENTITY_AUTO_DISCOVERY = 'false'

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`dist:check: \`${[command, ...args].join(' ')}\` failed`)
    process.exit(result.status ?? 1)
  }
}

if (!process.argv.includes('--prebuilt') || !existsSync('out/main/index.js')) {
  run(process.execPath, [
    path.join('node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build'
  ])
}

/** A folder shaped like an unpacked Linux Electron release, with nothing real in it. */
function standInElectron() {
  const dir = path.join(root, '.cache', 'dist-check', 'electron-dist')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(path.join(dir, 'resources'), { recursive: true })
  mkdirSync(path.join(dir, 'locales'), { recursive: true })
  const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
  writeFileSync(
    path.join(dir, 'electron'),
    '#!/bin/sh\necho "stand-in Electron from npm run dist:check: not a real binary" >&2\nexit 1\n'
  )
  chmodSync(path.join(dir, 'electron'), 0o755)
  writeFileSync(path.join(dir, 'version'), `${version}\n`)
  writeFileSync(path.join(dir, 'LICENSE'), 'stand-in\n')
  writeFileSync(path.join(dir, 'locales', 'en-US.pak'), '')
  return { dir, version }
}

const electron = standInElectron()
rmSync('dist', { recursive: true, force: true })
const { build, Platform, Arch } = await import('electron-builder')
const { default: config } = await import('../electron-builder.config.mjs')

await build({
  targets: Platform.LINUX.createTarget(
    'dir',
    Arch[/** @type {'x64'|'arm64'} */ (process.arch)] ?? Arch.x64
  ),
  publish: 'never',
  config: {
    ...config,
    electronDist: electron.dir,
    electronVersion: electron.version,
    npmRebuild: false,
    buildDependenciesFromSource: false,
    electronFuses: null,
    publish: null,
    linux: { ...config.linux, target: 'dir' }
  }
})

run(process.execPath, [
  path.join('node_modules', 'vitest', 'vitest.mjs'),
  'run',
  '--config',
  'vitest.dist.config.ts'
])

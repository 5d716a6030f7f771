#!/usr/bin/env node
// CI check for the README's first command on a machine without libsecret's headers: copies the
// project (no node_modules, no build output) to a temp folder, runs `npm ci` there with libsecret
// hidden from pkg-config (PKG_CONFIG_LIBDIR = an empty folder, so keytar's native build cannot
// find it), builds the CLI and runs `controldeck envs`. keytar is an optional dependency: its
// failed build must be skipped, not take the install down. Usage: check-fresh-install.mjs [SOURCE]
// (SOURCE defaults to this checkout; another folder lets you check an older tree).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = path.resolve(process.argv[2] ?? root)
/** Top-level entries a fresh clone does not have. */
const SKIP = new Set([
  'node_modules',
  'out',
  'dist',
  '.git',
  '.cache',
  'test-results',
  'playwright-report'
])

const work = mkdtempSync(path.join(tmpdir(), 'controldeck-fresh-'))
const project = path.join(work, 'project')
const emptyPkgConfig = path.join(work, 'pkgconfig-empty')
mkdirSync(emptyPkgConfig)
cpSync(source, project, {
  recursive: true,
  filter: (file) => !SKIP.has(path.relative(source, file).split(path.sep)[0])
})

const env = {
  ...process.env,
  PKG_CONFIG_LIBDIR: emptyPkgConfig,
  PKG_CONFIG_PATH: '',
  ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  npm_config_prefer_offline: 'true',
  CONTROLDECK_DATA_DIR: path.join(work, 'data')
}

function step(label, command, args) {
  console.log(`fresh-install check: ${label}`)
  const result = spawnSync(command, args, { cwd: project, env, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(
      `fresh-install check FAILED at "${label}" (exit ${result.status}); copy kept in ${project}`
    )
    process.exit(1)
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
step('pkg-config cannot see libsecret', 'sh', ['-c', '! pkg-config --exists libsecret-1'])
step('npm ci without libsecret headers', npm, ['ci', '--no-audit', '--no-fund'])
step('npm run build:node', npm, ['run', 'build:node', '--silent'])
step('controldeck envs', process.execPath, ['bin/controldeck.mjs', 'envs'])
const keytarBuilt = existsSync(
  path.join(project, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node')
)
console.log(
  `fresh-install check: passed (keytar ${keytarBuilt ? 'was built anyway (a prebuilt binary?)' : 'skipped, as expected without libsecret'})`
)
rmSync(work, { recursive: true, force: true })

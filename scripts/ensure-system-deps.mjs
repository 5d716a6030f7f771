#!/usr/bin/env node
// The one entry point for what `npm test` needs from the machine beyond Node and npm. `npm test`
// runs it first, `.ci/run` runs it before `npm ci`. On Debian/Ubuntu it installs the missing
// packages where it can (as root, or through sudo without a password prompt) and otherwise stops
// at once with the single command to run; elsewhere it checks what it can and says what is missing.
//   --system-only   only the system packages (before node_modules exists, as .ci/run does)
// CONTROLDECK_SKIP_SYSTEM_DEPS=1 skips it (you manage the machine yourself).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const systemOnly = process.argv.includes('--system-only')
const say = (line) => console.log(`system deps: ${line}`)

/** Debian packages and why `npm test` needs each. */
const DEBIAN_PACKAGES = {
  chromium: 'the browser e2e tests (Playwright uses /usr/bin/chromium, never a download)',
  'libsecret-1-dev':
    'building keytar, the keychain library (an optional dependency: skipped without it)',
  'gnome-keyring': 'a real Secret Service for the keychain tests',
  dbus: 'a private D-Bus session for the keychain tests',
  'dbus-x11': 'dbus-launch for gnome-keyring in that session',
  xvfb: 'a display for the Electron e2e spec where an Electron binary exists'
}

function quiet(command, args, options = {}) {
  return spawnSync(command, args, { stdio: 'ignore', ...options }).status === 0
}

function installed(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' })
  return result.status === 0 && result.stdout.includes('install ok installed')
}

/** ['sudo'] / [] when we may install without asking anyone, else null. */
function privilege() {
  if (process.getuid?.() === 0) return []
  if (quiet('sh', ['-c', 'command -v sudo']) && quiet('sudo', ['-n', 'true'])) return ['sudo']
  return null
}

function run(argv, env = process.env) {
  say(argv.join(' '))
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env, cwd: root })
  if (result.status !== 0) {
    console.error(`system deps: \`${argv.join(' ')}\` failed (exit ${result.status})`)
    process.exit(result.status ?? 1)
  }
}

function stop(reason, command) {
  console.error(`system deps: ${reason}`)
  console.error(`system deps: run this, then \`npm test\` again:\n\n  ${command}\n`)
  process.exit(1)
}

const keytarLoads = () => quiet(process.execPath, ['-e', "require('keytar')"], { cwd: root })

if (process.env.CONTROLDECK_SKIP_SYSTEM_DEPS === '1') {
  say('skipped (CONTROLDECK_SKIP_SYSTEM_DEPS=1)')
  process.exit(0)
}

const debian =
  process.platform === 'linux' && quiet('sh', ['-c', 'command -v dpkg-query && command -v apt-get'])
if (!debian) {
  // No package manager we know how to drive: check the one thing the tests cannot do without.
  const chromium = process.env.CONTROLDECK_CHROMIUM ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) {
    stop(
      `the browser e2e tests need Chromium at ${chromium} (Playwright never downloads one here)`,
      'export CONTROLDECK_CHROMIUM=/path/to/chromium-or-chrome'
    )
  }
  if (!systemOnly && !keytarLoads()) {
    say(
      'keytar is not installed (its native build needs libsecret on Linux); the keychain tests will say so'
    )
  }
  process.exit(0)
}

const missing = Object.keys(DEBIAN_PACKAGES).filter((pkg) => !installed(pkg))
const sudo = privilege()
// keytar is skipped by `npm install` without libsecret-1-dev; once the headers are there, a plain
// `npm install` builds it (package-lock.json still lists it).
const needsKeytar = !systemOnly && existsSync(path.join(root, 'node_modules')) && !keytarLoads()

if (missing.length > 0) {
  const why = missing.map((pkg) => `  ${pkg}: ${DEBIAN_PACKAGES[pkg]}`).join('\n')
  const apt = `apt-get install -y --no-install-recommends ${missing.join(' ')}`
  if (!sudo) {
    console.error(`system deps: npm test needs these Debian packages:\n${why}`)
    stop(
      'not root, and sudo asks for a password',
      `sudo ${apt}${needsKeytar ? ' && npm install' : ''}`
    )
  }
  say(`installing ${missing.join(' ')}`)
  run([...sudo, 'apt-get', 'update'])
  run([...sudo, ...apt.split(' ')], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' })
}

if (needsKeytar) {
  if (!installed('libsecret-1-dev'))
    stop(
      'keytar cannot be built without libsecret-1-dev',
      'sudo apt-get install -y libsecret-1-dev && npm install'
    )
  // The headers are there now: `npm install` builds the optional keytar from the lockfile.
  run([process.platform === 'win32' ? 'npm.cmd' : 'npm', 'install', '--no-audit', '--no-fund'])
  if (!keytarLoads())
    stop(
      'keytar still does not load after `npm install`; see its build output above',
      'npm install --foreground-scripts'
    )
}
say(missing.length > 0 || needsKeytar ? 'ready' : 'all present')

#!/usr/bin/env node
// Runs `npm run test:keychain` against a real Secret Service: a private D-Bus session with
// gnome-keyring unlocked by a throwaway password. Skips (with one line) only where the
// packages are missing, so a developer without them still gets a green `npm test`; CI installs them.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

if (!has('dbus-run-session') || !has('gnome-keyring-daemon')) {
  console.log(
    'keychain tests skipped: dbus-run-session or gnome-keyring-daemon not installed (apt-get install dbus gnome-keyring)'
  )
  process.exit(0)
}
const script =
  'echo -n controldeck-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npm run test:keychain --silent'
// A private keyring folder: a login.keyring left behind with another password must not break the run.
const home = mkdtempSync(path.join(tmpdir(), 'controldeck-keyring-'))
const env = { ...process.env, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home }
const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], { stdio: 'inherit', env })
rmSync(home, { recursive: true, force: true })
process.exit(result.status ?? 1)

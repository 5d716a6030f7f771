#!/usr/bin/env node
// Runs the Playwright suites (after `npm run test:e2e` has built out/): the browser-mode specs in
// Debian's Chromium, headless; then the Electron spec, inside xvfb-run where there is no display
// and an Electron binary exists (without a binary the spec prints one line and skips by itself).
// Playwright never downloads a browser here. Extra arguments go to both runs.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { findElectronBinary, hasDisplay } from './electron-binary.mjs'

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }
const playwright = path.join('node_modules', '@playwright', 'test', 'cli.js')
const extra = process.argv.slice(2)

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function run(command, args) {
  return spawnSync(command, args, { stdio: 'inherit', env }).status ?? 1
}

/** `playwright test` for one project; a filter that matches none of its specs is not a failure. */
function project(name) {
  return [playwright, 'test', `--project=${name}`, '--pass-with-no-tests', ...extra]
}

const browser = run(process.execPath, project('chromium'))

const electron = findElectronBinary()
let electronStatus
if (electron.path && !hasDisplay() && has('xvfb-run')) {
  electronStatus = run('xvfb-run', ['-a', process.execPath, ...project('electron')])
} else {
  electronStatus = run(process.execPath, project('electron'))
}

process.exit(browser !== 0 ? browser : electronStatus)

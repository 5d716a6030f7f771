// Finds the Electron executable of node_modules/electron without letting `require('electron')`
// start a download behind our back (Electron 45 fetches its binary lazily on first require).
// Used by scripts/start.mjs, scripts/e2e.mjs and e2e/electron.spec.ts.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
}

function binaryPath(dir) {
  const pathFile = path.join(dir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
  }
  return relative ? path.join(dir, 'dist', relative) : null
}

function runsVersion(bin) {
  const result = spawnSync(bin, ['--version'], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }
  })
  return result.status === 0 ? result.stdout.trim() : null
}

/**
 * `{ path, version }` when a working Electron binary is present, else `{ reason }` (a short phrase
 * for a one-line message). With `download: true`, a missing binary is fetched first, quietly,
 * unless ELECTRON_SKIP_BINARY_DOWNLOAD is set.
 */
export function findElectronBinary({ download = false } = {}) {
  const dir = electronDir()
  if (!dir) return { reason: 'the electron package is not installed' }
  let bin = binaryPath(dir)
  if ((!bin || !existsSync(bin)) && download && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    const fetched = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 300_000
    })
    bin = binaryPath(dir)
    if (fetched.status !== 0 || !bin || !existsSync(bin)) {
      const detail = `${fetched.stderr ?? ''}\n${fetched.stdout ?? ''}`
        .split('\n')
        .map((line) => line.trim())
        .find((line) => /error|fail/i.test(line))
      return { reason: `its download failed${detail ? `: ${detail.slice(0, 120)}` : ''}` }
    }
  }
  if (!bin || !existsSync(bin)) return { reason: 'no Electron binary in node_modules/electron' }
  const version = runsVersion(bin)
  if (!version) return { reason: `${bin} does not run on this machine` }
  return { path: bin, version }
}

/** Linux needs a display server for a window; an X or Wayland display must be set. */
export function hasDisplay() {
  return process.platform !== 'linux' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

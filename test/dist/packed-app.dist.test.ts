// Inspects what `npm run dist:check` packed into dist/ (run by that script, not by `npm test`'s unit
// run): the app.asar holds the three bundles and package.json and nothing of the sources, tests or
// dev dependencies, and the native modules sit unpacked beside it where Electron can load them.
import { extractFile, listPackage } from '@electron/asar'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..', '..')
const dist = path.join(root, 'dist')

/** dist/linux-unpacked or dist/linux-arm64-unpacked, whichever this machine packed. */
function unpackedDir(): string {
  const found = existsSync(dist) ? readdirSync(dist).find((name) => /^linux(-\w+)?-unpacked$/.test(name)) : undefined
  if (!found) throw new Error('no dist/linux*-unpacked: run `npm run dist:check` (it packs, then runs this test)')
  return path.join(dist, found)
}

const resources = path.join(unpackedDir(), 'resources')
const asarFile = path.join(resources, 'app.asar')
const unpacked = path.join(resources, 'app.asar.unpacked')
/** Every entry of app.asar as `/a/b` (posix separators on every platform). */
const entries = listPackage(asarFile, { isPack: false }).map((entry) => entry.split(path.sep).join('/'))
const entrySet = new Set(entries)

interface LockPackage {
  version?: string
  dev?: boolean
}
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>
}

describe('the packed app (dist:check)', () => {
  it('holds the main, preload and renderer bundles and package.json', () => {
    for (const file of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json', '/resources/icon.png']) {
      expect(entrySet.has(file), file).toBe(true)
    }
    expect(entries.some((entry) => entry.startsWith('/out/renderer/assets/') && entry.endsWith('.js'))).toBe(true)
  })

  it('starts where its package.json says', () => {
    const ownPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string }
    expect(entrySet.has(`/${path.posix.normalize(ownPackage.main)}`)).toBe(true)
  })

  it('holds no sources, tests, scripts or build inputs of ours', () => {
    const ours = entries.filter((entry) => !entry.startsWith('/node_modules/'))
    const allowed = /^\/(out(\/(main|preload|renderer)(\/.*)?)?|package\.json|node_modules|resources(\/icon\.png)?)$/
    expect(ours.filter((entry) => !allowed.test(entry))).toEqual([])
    expect(ours.filter((entry) => /\.(test|spec)\.|\.tsx?$/.test(entry))).toEqual([])
  })

  it('holds no dev dependency: every packed package is a production one of package-lock.json', () => {
    // electron-builder re-hoists nested packages, so compare name@version, not paths.
    const production = new Set<string>()
    const development = new Set<string>()
    for (const [key, info] of Object.entries(lock.packages)) {
      const name = key.split('node_modules/').pop()
      if (!key.startsWith('node_modules/') || !name) continue
      ;(info.dev === true ? development : production).add(`${name}@${info.version}`)
    }
    const packed = entries
      .filter((entry) => /\/node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(entry))
      .map((entry) => {
        const relative = entry.slice(1)
        const unpackedFile = path.join(unpacked, relative)
        const text = existsSync(unpackedFile)
          ? readFileSync(unpackedFile, 'utf8')
          : extractFile(asarFile, relative).toString('utf8')
        const manifest = JSON.parse(text) as { name: string; version: string }
        return `${manifest.name}@${manifest.version}`
      })
    expect(packed.length).toBeGreaterThan(5)
    expect(packed.filter((id) => !production.has(id))).toEqual([])
    expect(development.size).toBeGreaterThan(100)
    // The obvious ones by name, in case the lockfile and the tree ever disagree.
    for (const name of ['electron', 'electron-builder', 'vitest', 'typescript', 'react', 'eslint']) {
      expect(entrySet.has(`/node_modules/${name}`), name).toBe(false)
    }
  })

  it('carries the runtime dependencies the main bundle leaves external', () => {
    for (const name of ['better-sqlite3', 'electron-updater']) {
      expect(entrySet.has(`/node_modules/${name}/package.json`), name).toBe(true)
    }
  })

  it('has better_sqlite3.node unpacked beside the asar, complete enough to open a database', () => {
    const native = path.join(unpacked, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
    expect(existsSync(native)).toBe(true)
    // dist:check skips the Electron rebuild, so this copy is built for Node and loads right here.
    const require = createRequire(import.meta.url)
    const Database = require(path.join(unpacked, 'node_modules', 'better-sqlite3')) as typeof import('better-sqlite3')
    const dir = mkdtempSync(path.join(tmpdir(), 'cd-dist-'))
    try {
      const db = new Database(path.join(dir, 'probe.db'))
      expect(db.prepare('select 41 + 1 as answer').get()).toEqual({ answer: 42 })
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('has keytar.node unpacked when keytar is installed (an optional dependency)', () => {
    const installed = existsSync(path.join(root, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'))
    const packed = existsSync(path.join(unpacked, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'))
    expect(packed).toBe(installed)
  })

  it('leaves native build leftovers out', () => {
    const leftovers = entries.filter((entry) => /\/(obj\.target|deps)\/|\.a$|test_extension\.node$/.test(entry))
    expect(leftovers).toEqual([])
  })
})

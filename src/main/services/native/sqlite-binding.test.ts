import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  copyFileSync
} from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Store } from '../../../engine/store/store'
import { sqliteNativeBinding, useSqliteNativeBinding } from '../../../engine/store/sqlite'
import { CacheStore } from '../cache/cache-store'
import { makeTempDir } from '../testing/temp-dir'
import { prepareSqliteBinding, type RebuildStep } from './prepare-sqlite-binding'
import { prepareElectronSqlite } from './prepare-for-electron'
import {
  BINDING_FILE,
  chooseSqliteBinding,
  installedSqliteModule,
  MANIFEST_FILE,
  nativeCacheRoot,
  type BindingTarget
} from './sqlite-binding'

// The rebuild step is the one part that needs an Electron toolchain; here it "builds" by copying
// Node's own addon into the copy, which is what a real build leaves behind (and it loads here).
const installed = installedSqliteModule()
const nodeAddon = path.join(installed.moduleDir, 'build', 'Release', BINDING_FILE)

function recordingRebuild(
  builds: Array<{ buildPath: string; electronVersion: string; arch: string }>
): RebuildStep {
  return async (step) => {
    builds.push(step)
    const copy = path.join(step.buildPath, 'node_modules', 'better-sqlite3')
    // What it is given: a copy of the module's sources, without Node's build output.
    expect(existsSync(path.join(copy, 'binding.gyp'))).toBe(true)
    expect(existsSync(path.join(copy, 'build'))).toBe(false)
    mkdirSync(path.join(copy, 'build', 'Release'), { recursive: true })
    copyFileSync(nodeAddon, path.join(copy, 'build', 'Release', BINDING_FILE))
  }
}

const target: BindingTarget = {
  electronVersion: '45.4.1',
  arch: 'x64',
  platform: 'linux',
  moduleVersion: installed.moduleVersion
}

let temp: ReturnType<typeof makeTempDir>
afterEach(() => {
  useSqliteNativeBinding(undefined)
  temp?.remove()
})

describe("better-sqlite3 for Electron, beside Node's build", () => {
  it('caches per user and platform', () => {
    expect(nativeCacheRoot({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/o')).toBe(
      '/x/cache/controldeck/native'
    )
    expect(nativeCacheRoot({}, 'linux', '/home/o')).toBe('/home/o/.cache/controldeck/native')
    expect(nativeCacheRoot({}, 'darwin', '/Users/o')).toBe(
      '/Users/o/Library/Caches/controldeck/native'
    )
    expect(nativeCacheRoot({ LOCALAPPDATA: 'C:\\L' }, 'win32', 'C:\\U')).toContain(
      path.join('controldeck', 'native')
    )
  })

  it('builds once, reuses the build, and builds again when Electron, the architecture or the module changes', async () => {
    temp = makeTempDir('cd-native-')
    const builds: Array<{ buildPath: string; electronVersion: string; arch: string }> = []
    const rebuild = recordingRebuild(builds)
    const first = await prepareSqliteBinding({
      cacheRoot: temp.dir,
      target,
      moduleDir: installed.moduleDir,
      rebuild
    })
    expect(first).toEqual({
      status: 'built',
      path: path.join(temp.dir, '45.4.1-x64', BINDING_FILE)
    })
    expect(builds).toHaveLength(1)
    expect(builds[0]).toMatchObject({ electronVersion: '45.4.1', arch: 'x64' })
    const manifest = JSON.parse(
      readFileSync(path.join(temp.dir, '45.4.1-x64', MANIFEST_FILE), 'utf8')
    )
    expect(manifest).toMatchObject(target)
    // No scratch folder is left behind.
    expect(readdirSync(temp.dir)).toEqual(['45.4.1-x64'])

    expect(
      await prepareSqliteBinding({
        cacheRoot: temp.dir,
        target,
        moduleDir: installed.moduleDir,
        rebuild
      })
    ).toMatchObject({ status: 'cached' })
    expect(builds).toHaveLength(1)

    for (const changed of [
      { electronVersion: '46.0.0' },
      { arch: 'arm64' },
      { moduleVersion: '99.0.0' }
    ]) {
      const result = await prepareSqliteBinding({
        cacheRoot: temp.dir,
        target: { ...target, ...changed },
        moduleDir: installed.moduleDir,
        rebuild
      })
      expect(result.status, JSON.stringify(changed)).toBe('built')
    }
    expect(builds).toHaveLength(4)
    // A newer better-sqlite3 replaced the record of the same Electron and arch: the old one is stale.
    expect(
      chooseSqliteBinding(
        { electronVersion: '45.4.1', isPackaged: false, arch: 'x64', platform: 'linux' },
        temp.dir,
        installed.moduleVersion
      ).message
    ).toMatch(/moduleVersion 99\.0\.0/)
  })

  it('says why when it cannot build, leaves nothing half-made, and tries again next time', async () => {
    temp = makeTempDir('cd-native-')
    const failing: RebuildStep = async () => {
      throw new Error('gyp ERR! find Python\nmore detail')
    }
    const failed = await prepareSqliteBinding({
      cacheRoot: temp.dir,
      target,
      moduleDir: installed.moduleDir,
      rebuild: failing
    })
    expect(failed).toEqual({ status: 'failed', reason: 'gyp ERR! find Python' })
    expect(readdirSync(temp.dir)).toEqual([])

    const empty: RebuildStep = async () => undefined
    expect(
      await prepareSqliteBinding({
        cacheRoot: temp.dir,
        target,
        moduleDir: installed.moduleDir,
        rebuild: empty
      })
    ).toMatchObject({ status: 'failed', reason: expect.stringMatching(/without producing/) })

    // A record whose addon is missing is not a build.
    mkdirSync(path.join(temp.dir, '45.4.1-x64'))
    writeFileSync(
      path.join(temp.dir, '45.4.1-x64', MANIFEST_FILE),
      JSON.stringify({ ...target, builtAt: 'x' })
    )
    const builds: Array<{ buildPath: string; electronVersion: string; arch: string }> = []
    expect(
      await prepareSqliteBinding({
        cacheRoot: temp.dir,
        target,
        moduleDir: installed.moduleDir,
        rebuild: recordingRebuild(builds)
      })
    ).toMatchObject({ status: 'built' })

    // Garbage in the version never names a folder outside the cache.
    expect(
      await prepareSqliteBinding({
        cacheRoot: temp.dir,
        target: { ...target, electronVersion: '../../etc' },
        moduleDir: installed.moduleDir,
        rebuild: failing
      })
    ).toMatchObject({ status: 'failed', reason: expect.stringMatching(/not an Electron version/) })
  })

  it('tells start-up in one line what it did or why it could not', async () => {
    temp = makeTempDir('cd-native-')
    const starts: string[] = []
    const built = await prepareElectronSqlite({
      electronVersion: 'v45.4.1',
      arch: 'x64',
      cacheRoot: temp.dir,
      rebuild: recordingRebuild([]),
      onBuildStart: (l) => starts.push(l)
    })
    expect(built.line).toMatch(/built for Electron 45\.4\.1 \(x64\)/)
    expect(starts).toHaveLength(1)
    expect(
      (await prepareElectronSqlite({ electronVersion: '45.4.1', arch: 'x64', cacheRoot: temp.dir }))
        .line
    ).toBeNull()
    const failed = await prepareElectronSqlite({
      electronVersion: '46.0.0',
      arch: 'x64',
      cacheRoot: temp.dir,
      rebuild: async () => {
        throw new Error('no network for headers')
      }
    })
    expect(failed.line).toMatch(
      /could not be built for Electron 46\.0\.0 \(no network for headers\).*without its embedded engine/
    )
    expect(failed.line!.split('\n')).toHaveLength(1)
  })

  it('is chosen only in an unpackaged Electron, and every database opens through it', async () => {
    temp = makeTempDir('cd-native-')
    const runtime = { electronVersion: '45.4.1', isPackaged: false, arch: 'x64', platform: 'linux' }
    expect(
      chooseSqliteBinding(
        { ...runtime, electronVersion: undefined },
        temp.dir,
        installed.moduleVersion
      )
    ).toEqual({ message: null })
    expect(
      chooseSqliteBinding({ ...runtime, isPackaged: true }, temp.dir, installed.moduleVersion)
    ).toEqual({ message: null })
    expect(chooseSqliteBinding(runtime, temp.dir, installed.moduleVersion).message).toMatch(
      /npm start/
    )
    await prepareSqliteBinding({
      cacheRoot: temp.dir,
      target: { ...runtime, moduleVersion: installed.moduleVersion },
      moduleDir: installed.moduleDir,
      rebuild: recordingRebuild([])
    })
    const chosen = chooseSqliteBinding(runtime, temp.dir, installed.moduleVersion)
    expect(chosen.path).toBe(path.join(temp.dir, '45.4.1-x64', BINDING_FILE))

    // The engine's store (with its checkpoint worker) and the console cache load the chosen addon.
    useSqliteNativeBinding(chosen.path)
    expect(sqliteNativeBinding()).toBe(chosen.path)
    const store = new Store(path.join(temp.dir, 'engine.db'))
    expect(store.checkpointer).not.toBeNull()
    store.close()
    const cache = CacheStore.open(path.join(temp.dir, 'cache.db'))
    cache.close()
    // Proof that the option is honoured: a binding that is not there fails every open.
    useSqliteNativeBinding(path.join(temp.dir, 'missing', BINDING_FILE))
    expect(() => new Store(path.join(temp.dir, 'other.db'))).toThrow(/Cannot find module/)
    expect(() => CacheStore.open(path.join(temp.dir, 'other-cache.db'))).toThrow(
      /Cannot find module/
    )
  })
})

import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { useSqliteNativeBinding } from '../../../engine/store/sqlite'

/**
 * better-sqlite3 builds for another runtime (Electron) are cached outside node_modules, one folder
 * per Electron version and architecture: `<cacheRoot>/<electronVersion>-<arch>/` holding
 * `better_sqlite3.node` and `binding.json` (what it was built for). Node's own build stays in
 * node_modules, so `npm test` and the CLI never see the Electron one.
 */
export const BINDING_FILE = 'better_sqlite3.node'
export const MANIFEST_FILE = 'binding.json'

/** What a cached build was made for; any difference means it must be built again. */
export const BindingManifestSchema = z.object({
  electronVersion: z.string().min(1).max(64),
  arch: z.string().min(1).max(32),
  platform: z.string().min(1).max(32),
  /** better-sqlite3's version: a dependency upgrade must not load the old addon. */
  moduleVersion: z.string().min(1).max(64),
  builtAt: z.string().max(64)
})
export type BindingManifest = z.infer<typeof BindingManifestSchema>

/** Which build a runtime needs. */
export interface BindingTarget {
  readonly electronVersion: string
  readonly arch: string
  readonly platform: string
  /** better-sqlite3's version in node_modules. */
  readonly moduleVersion: string
}

/**
 * The per-user cache folder for native builds: $XDG_CACHE_HOME (or ~/.cache), ~/Library/Caches on
 * macOS, %LOCALAPPDATA% on Windows, each + `controldeck/native`.
 */
export function nativeCacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir()
): string {
  if (platform === 'win32' && env.LOCALAPPDATA)
    return path.join(env.LOCALAPPDATA, 'controldeck', 'native')
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'controldeck', 'native')
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'controldeck', 'native')
}

/** `<cacheRoot>/<electronVersion>-<arch>`; the version is checked so it cannot name another folder. */
export function bindingDir(
  cacheRoot: string,
  target: Pick<BindingTarget, 'electronVersion' | 'arch'>
): string {
  if (!/^\d+\.\d+\.\d+[\w.-]*$/.test(target.electronVersion) || !/^[a-z0-9_]+$/.test(target.arch)) {
    throw new Error(
      `not an Electron version and architecture: ${target.electronVersion} ${target.arch}`
    )
  }
  return path.join(cacheRoot, `${target.electronVersion}-${target.arch}`)
}

/** The cached build for `target`, or why there is none usable (a phrase for one log line). */
export function findSqliteBinding(
  cacheRoot: string,
  target: BindingTarget
): { path: string; reason?: undefined } | { path?: undefined; reason: string } {
  let dir: string
  try {
    dir = bindingDir(cacheRoot, target)
  } catch (error) {
    return { reason: (error as Error).message }
  }
  const file = path.join(dir, BINDING_FILE)
  const manifestFile = path.join(dir, MANIFEST_FILE)
  if (!existsSync(file) || !existsSync(manifestFile)) {
    return {
      reason: `no better-sqlite3 build for Electron ${target.electronVersion} (${target.arch}) in ${dir}`
    }
  }
  let manifest: BindingManifest
  try {
    manifest = BindingManifestSchema.parse(JSON.parse(readFileSync(manifestFile, 'utf8')))
  } catch {
    return { reason: `the build record ${manifestFile} is unreadable` }
  }
  const changed = (['electronVersion', 'arch', 'platform', 'moduleVersion'] as const).find(
    (key) => manifest[key] !== target[key]
  )
  if (changed) {
    return {
      reason: `the cached build is for ${changed} ${manifest[changed]}, not ${target[changed]}`
    }
  }
  return { path: file }
}

/** better-sqlite3's folder and version as this process resolves the module. */
export function installedSqliteModule(): { moduleDir: string; moduleVersion: string } {
  const manifest = createRequire(import.meta.url).resolve('better-sqlite3/package.json')
  const moduleVersion = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
  return { moduleDir: path.dirname(manifest), moduleVersion }
}

/** The runtime the main process runs in, as far as choosing an addon goes. */
export interface RuntimeInfo {
  /** `process.versions.electron`; undefined under Node. */
  readonly electronVersion?: string
  /** Packaged apps carry natives the packager built for their Electron. */
  readonly isPackaged: boolean
  readonly arch: string
  readonly platform: string
}

/**
 * Which better-sqlite3 addon this process must load: `path` undefined means node_modules' own
 * (Node, or a packaged app); `message` says, in one line, why an unpackaged Electron has none.
 */
export function chooseSqliteBinding(
  runtime: RuntimeInfo,
  cacheRoot: string,
  moduleVersion: string
): { path?: string; message: string | null } {
  if (!runtime.electronVersion || runtime.isPackaged) return { message: null }
  const found = findSqliteBinding(cacheRoot, {
    electronVersion: runtime.electronVersion,
    arch: runtime.arch,
    platform: runtime.platform,
    moduleVersion
  })
  if (found.path) return { path: found.path, message: null }
  return {
    message:
      `better-sqlite3 for Electron is missing (${found.reason}); the embedded engine and the cache ` +
      'need it: start the app with `npm start`, which builds it once'
  }
}

/**
 * Chooses the addon for this process (see {@link chooseSqliteBinding}) and makes every later
 * SQLite open use it. Returns the one line to log when an unpackaged Electron has none.
 */
export function selectSqliteAddon(
  runtime: RuntimeInfo,
  cacheRoot: string = nativeCacheRoot()
): string | null {
  const chosen = chooseSqliteBinding(runtime, cacheRoot, installedSqliteModule().moduleVersion)
  useSqliteNativeBinding(chosen.path)
  return chosen.message
}

import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import {
  BINDING_FILE,
  bindingDir,
  findSqliteBinding,
  MANIFEST_FILE,
  type BindingManifest,
  type BindingTarget
} from './sqlite-binding'

/**
 * Builds better-sqlite3 in `buildPath` (an app folder whose node_modules holds a copy of the
 * module) for Electron `electronVersion` on `arch`. The default is @electron/rebuild, which takes a
 * prebuilt binary for that Electron when one can be downloaded and compiles otherwise.
 */
export type RebuildStep = (options: {
  buildPath: string
  electronVersion: string
  arch: string
}) => Promise<void>

/** What {@link prepareSqliteBinding} did. */
export type PrepareResult =
  | { status: 'cached' | 'built'; path: string; reason?: undefined }
  | { status: 'failed'; reason: string; path?: undefined }

/** Options of {@link prepareSqliteBinding}. */
export interface PrepareOptions {
  readonly cacheRoot: string
  readonly target: BindingTarget
  /** node_modules/better-sqlite3 (its sources and deps are copied, never changed in place). */
  readonly moduleDir: string
  readonly rebuild?: RebuildStep
  readonly now?: () => Date
}

/** @electron/rebuild on the copy, better-sqlite3 only. */
export const electronRebuild: RebuildStep = async ({ buildPath, electronVersion, arch }) => {
  const { rebuild } = await import('@electron/rebuild')
  await rebuild({
    buildPath,
    electronVersion,
    arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    mode: 'sequential'
  })
}

/** The first line of an error, bounded, for a one-line message. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return (text.split('\n').find((line) => line.trim() !== '') ?? 'unknown error')
    .trim()
    .slice(0, 200)
}

/**
 * Makes sure a better-sqlite3 build for `target` sits in the cache: uses the cached one when its
 * record matches (same Electron version, architecture, platform and better-sqlite3 version), else
 * rebuilds a copy of the module in a scratch folder beside the cache and moves the result in,
 * record last, so a build cut short is never taken for a good one. Never throws: a failure comes
 * back as `{status: 'failed', reason}` and leaves no partial build behind.
 */
export async function prepareSqliteBinding(options: PrepareOptions): Promise<PrepareResult> {
  const found = findSqliteBinding(options.cacheRoot, options.target)
  if (found.path) return { status: 'cached', path: found.path }
  let dir: string
  try {
    dir = bindingDir(options.cacheRoot, options.target)
  } catch (error) {
    return { status: 'failed', reason: firstLine(error) }
  }
  let scratch: string | null = null
  try {
    mkdirSync(options.cacheRoot, { recursive: true })
    scratch = mkdtempSync(path.join(options.cacheRoot, '.build-'))
    const copy = path.join(scratch, 'node_modules', 'better-sqlite3')
    // Sources and the bundled SQLite only; Node's build output stays where it is.
    cpSync(options.moduleDir, copy, {
      recursive: true,
      filter: (source) => path.relative(options.moduleDir, source).split(path.sep)[0] !== 'build'
    })
    writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({
        name: 'controldeck-native',
        version: '0.0.0',
        private: true,
        dependencies: { 'better-sqlite3': options.target.moduleVersion }
      })
    )
    await (options.rebuild ?? electronRebuild)({
      buildPath: scratch,
      electronVersion: options.target.electronVersion,
      arch: options.target.arch
    })
    const built = path.join(copy, 'build', 'Release', BINDING_FILE)
    if (!existsSync(built))
      throw new Error(`the rebuild finished without producing ${BINDING_FILE}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    copyFileSync(built, path.join(dir, BINDING_FILE))
    const manifest: BindingManifest = {
      ...options.target,
      builtAt: (options.now?.() ?? new Date()).toISOString()
    }
    const tmp = path.join(dir, `${MANIFEST_FILE}.tmp`)
    writeFileSync(tmp, JSON.stringify(manifest, null, 2))
    renameSync(tmp, path.join(dir, MANIFEST_FILE))
    return { status: 'built', path: path.join(dir, BINDING_FILE) }
  } catch (error) {
    rmSync(path.join(dir, MANIFEST_FILE), { force: true })
    return { status: 'failed', reason: firstLine(error) }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
}

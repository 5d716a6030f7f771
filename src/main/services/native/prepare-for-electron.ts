// Bundled to out/node/native-sqlite.js for scripts/start.mjs and scripts/dev.mjs, which run it
// before they launch Electron from a source checkout.
import {
  prepareSqliteBinding,
  type PrepareResult,
  type RebuildStep
} from './prepare-sqlite-binding'
import { installedSqliteModule, nativeCacheRoot } from './sqlite-binding'

/** Options of {@link prepareElectronSqlite}. */
export interface ElectronSqliteOptions {
  /** The Electron binary's version (`electron --version`, with or without the leading v). */
  readonly electronVersion: string
  readonly cacheRoot?: string
  readonly arch?: string
  readonly platform?: string
  readonly rebuild?: RebuildStep
  /** Told before a build starts (it takes a while); one line. */
  readonly onBuildStart?: (line: string) => void
}

/**
 * Makes sure the Electron app finds a better-sqlite3 built for its Electron version (the main
 * process then loads it through `nativeBinding`), and returns what happened as one line for the
 * operator, or null when the cached build was simply reused.
 */
export async function prepareElectronSqlite(
  options: ElectronSqliteOptions
): Promise<{ result: PrepareResult; line: string | null }> {
  const electronVersion = options.electronVersion.trim().replace(/^v/, '')
  const arch = options.arch ?? process.arch
  const cacheRoot = options.cacheRoot ?? nativeCacheRoot()
  let result: PrepareResult
  try {
    const { moduleDir, moduleVersion } = installedSqliteModule()
    const target = {
      electronVersion,
      arch,
      platform: options.platform ?? process.platform,
      moduleVersion
    }
    result = await prepareSqliteBinding({
      cacheRoot,
      target,
      moduleDir,
      rebuild: async (step) => {
        options.onBuildStart?.(
          `controldeck: building better-sqlite3 ${moduleVersion} for Electron ${electronVersion} (${arch}) once, into ${cacheRoot}…`
        )
        await (options.rebuild ?? (await import('./prepare-sqlite-binding')).electronRebuild)(step)
      }
    })
  } catch (error) {
    result = { status: 'failed', reason: error instanceof Error ? error.message : String(error) }
  }
  if (result.status === 'cached') return { result, line: null }
  if (result.status === 'built') {
    return {
      result,
      line: `controldeck: better-sqlite3 built for Electron ${electronVersion} (${arch}); node_modules keeps Node's build for the CLI and tests`
    }
  }
  return {
    result,
    line:
      `controldeck: better-sqlite3 could not be built for Electron ${electronVersion} (${result.reason}); ` +
      'the app starts without its embedded engine and cache (remote environments work; `npm run serve` has both)'
  }
}

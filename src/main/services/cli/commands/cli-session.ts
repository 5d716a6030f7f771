import { localEngineOf, startEngineHost, type EngineHost } from '../../engine-host'
import { EnvironmentStore } from '../../environments/environment-store'
import { resolveCliTarget, type CliTarget } from '../../runs/cli-target'
import type { EnvironmentSession } from '../../session/environment-session'
import { toConsoleFailure } from '../../session/failures'
import { SessionManager } from '../../session/session-manager'
import type { GlobalOptions } from '../args'

/** The session a one-shot data command reads through (same services as the console: cache fallback included). */
export interface CliSession {
  readonly session: EnvironmentSession
  close(): Promise<void>
}

/**
 * Opens the environment a data command reads: `--url/--token` (unsaved), else the active saved
 * environment. For the local engine the engine is started in this process on the console's own
 * database, so the CLI sees what the desktop console sees. No live stream is opened.
 */
export async function openCliSession(global: GlobalOptions): Promise<CliSession> {
  let engine: EngineHost | null = null
  if (!global.adHoc) {
    const environments = await EnvironmentStore.load({ dataDir: global.dataDir, localUrl: null })
    if (environments.activeId === 'local') engine = await startEngineHost({ dataDir: global.dataDir })
  }
  try {
    const manager = await SessionManager.create({
      dataDir: global.dataDir,
      localEngine: localEngineOf(engine),
      adHocEnvironment: global.adHoc ? { url: global.adHoc.url, token: global.adHoc.token } : undefined,
      live: false,
      // A CLI run must fail fast rather than wait for the app's patient defaults.
      http: { timeoutMs: 8_000, retries: 1, backoffMs: 200 },
      connectWaitMs: 20_000
    })
    return {
      session: await manager.active(),
      close: async () => {
        await manager.dispose()
        await engine?.close()
      }
    }
  } catch (error) {
    await engine?.close()
    throw error
  }
}

/**
 * Runs one read on a freshly opened CLI session, then closes the session. Failures leave as
 * ConsoleFailure, which the CLI turns into a sentence and an exit code.
 */
export async function withCliSession<T>(
  global: GlobalOptions,
  read: (session: EnvironmentSession) => Promise<T>
): Promise<T> {
  const cli = await openCliSession(global)
  try {
    return await read(cli.session)
  } catch (error) {
    throw toConsoleFailure(error)
  } finally {
    await cli.close()
  }
}

/**
 * Runs `use` on the backend of the current environment (`--url/--token`, else the active saved
 * one; see resolveCliTarget), then releases it, stopping an engine the command started.
 */
export async function withCliTarget<T>(global: GlobalOptions, use: (target: CliTarget) => Promise<T>): Promise<T> {
  const target = await resolveCliTarget({ dataDir: global.dataDir, adHoc: global.adHoc })
  try {
    return await use(target)
  } finally {
    await target.close()
  }
}

import type { ConsoleMethodName, MethodInput, MethodOutput } from '../../../../shared/console/api'
import { APP_VERSION } from '../../context'
import { createConsoleService, logToStderr } from '../../console-service'
import { localEngineOf, startEngineHost, type EngineHost } from '../../engine-host'
import { EnvironmentStore } from '../../environments/environment-store'
import { resolveCliTarget, type CliTarget } from '../../runs/cli-target'
import type { GlobalOptions } from '../args'

/** HTTP settings of a one-shot command: fail fast rather than wait like the app. */
const CLI_HTTP = { timeoutMs: 8_000, retries: 1, backoffMs: 200 }
const CLI_CONNECT_WAIT_MS = 20_000

/** A one-shot command's ConsoleApi: the same dispatch as the app's (validation, policy, errors). */
export interface CliConsole {
  /** Runs one method through ConsoleService.invoke; failures leave as ConsoleFailure. */
  invoke<M extends ConsoleMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
}

/**
 * Runs `use` against a console service opened for this command on the active environment
 * (`--url/--token`, else the active saved one; the local engine is started in this process on the
 * console's own database, so the CLI sees what the desktop console sees), then closes it. The
 * commands call methods by name, like the renderer: input validation, the read-only refusal and the
 * error vocabulary are the app's own. No live stream is opened.
 */
export async function withCliConsole<T>(
  global: GlobalOptions,
  use: (api: CliConsole) => Promise<T>
): Promise<T> {
  let engine: EngineHost | null = null
  if (!global.adHoc) {
    const environments = await EnvironmentStore.load({ dataDir: global.dataDir, localUrl: null })
    if (environments.activeId === 'local')
      engine = await startEngineHost({ dataDir: global.dataDir })
  }
  const service = createConsoleService({
    dataDir: global.dataDir,
    transport: 'cli',
    appVersion: APP_VERSION,
    localEngine: localEngineOf(engine),
    adHocEnvironment: global.adHoc
      ? { url: global.adHoc.url, token: global.adHoc.token }
      : undefined,
    log: logToStderr,
    openAtStart: false,
    // A CLI run must fail fast rather than wait for the app's patient defaults.
    sessionOptions: { live: false, manager: { http: CLI_HTTP, connectWaitMs: CLI_CONNECT_WAIT_MS } }
  })
  try {
    return await use({
      // The service parsed the result with the method's output schema.
      invoke: async (method, input) =>
        (await service.invoke(method, input)) as MethodOutput<typeof method>
    })
  } finally {
    await service.dispose()
    await engine?.close()
  }
}

/**
 * Runs `use` on the backend of the active environment (`--url/--token`, else the active saved
 * one; see resolveCliTarget), then releases it, stopping an engine the command started.
 */
export async function withCliTarget<T>(
  global: GlobalOptions,
  use: (target: CliTarget) => Promise<T>
): Promise<T> {
  const target = await resolveCliTarget({ dataDir: global.dataDir, adHoc: global.adHoc })
  try {
    return await use(target)
  } finally {
    await target.close()
  }
}

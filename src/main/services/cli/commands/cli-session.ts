import type {
  ConsoleEventName,
  ConsoleMethodName,
  EventPayload,
  MethodInput,
  MethodOutput,
  Unsubscribe
} from '../../../../shared/console/api'
import { LOCAL_ENVIRONMENT_ID } from '../../../../shared/console/domains/environments'
import { APP_VERSION, type ServiceContext } from '../../context'
import { createConsoleService, logToStderr } from '../../console-service'
import { localEngineOf, startEngineHost } from '../../engine-host'
import { EnvironmentStore } from '../../environments/environment-store'
import { resolveCliTarget } from '../../runs/cli-target'
import type { GlobalOptions } from '../args'

/** HTTP settings of a one-shot command: fail fast rather than wait like the app. */
const CLI_HTTP = { timeoutMs: 8_000, retries: 1, backoffMs: 200 }
const CLI_CONNECT_WAIT_MS = 20_000

/** A one-shot command's ConsoleApi: the same dispatch as the app's (validation, policy, errors). */
export interface CliConsole {
  /** Runs one method through ConsoleService.invoke; failures leave as ConsoleFailure. */
  invoke<M extends ConsoleMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  /** Receives one pushed event (as a renderer's `onX`) until the returned function is called. */
  on<E extends ConsoleEventName>(name: E, listener: (payload: EventPayload<E>) => void): Unsubscribe
}

/**
 * What a command needs of the active environment:
 * - `data` (the default): it reads the backend; the local engine is started when it is active;
 * - `settings`: only this console's own settings (environments, keychain): no engine is started
 *   and no request is sent to the backend;
 * - `live`: as `data`, with the live stream open (pushed events, as in the app);
 * - `runs`: as `data`, and local agent runs report to the active environment's backend, whichever
 *   it is (the app runs them on its embedded engine; the CLI on the environment it works against).
 */
export type CliNeeds = 'data' | 'settings' | 'live' | 'runs'

/** The backends a command's console uses besides its sessions, and what it must close afterwards. */
interface CliEngine {
  readonly localEngine: ServiceContext['localEngine']
  /** Where agent runs report when not to the local engine (`needs` = `runs` only). */
  readonly runBackend?: ServiceContext['runBackend']
  close(): Promise<void>
}

/** Starts (or finds) the engine a command needs; see CliNeeds. */
async function openCliEngine(global: GlobalOptions, needs: CliNeeds): Promise<CliEngine> {
  const none: CliEngine = { localEngine: null, close: async () => undefined }
  if (needs === 'runs') {
    // The active environment's backend with its credential; the local engine is started here.
    const target = await resolveCliTarget({ dataDir: global.dataDir, adHoc: global.adHoc })
    return {
      localEngine: localEngineOf(target.engine),
      runBackend: target.remote ?? undefined,
      close: () => target.close()
    }
  }
  if (needs === 'settings' || global.adHoc) return none
  const environments = await EnvironmentStore.load({ dataDir: global.dataDir, localUrl: null })
  if (environments.activeId !== LOCAL_ENVIRONMENT_ID) return none
  const engine = await startEngineHost({ dataDir: global.dataDir })
  return { localEngine: localEngineOf(engine), close: () => engine.close() }
}

/**
 * Runs `use` against a console service opened for this command on the active environment
 * (`--url/--token`, else the active saved one; the local engine is started in this process on the
 * console's own database, so the CLI sees what the desktop console sees), then closes it. The
 * commands call methods by name, like the renderer: input validation, the read-only refusal and the
 * error vocabulary are the app's own. The live stream is open only when `needs` is `live`.
 */
export async function withCliConsole<T>(
  global: GlobalOptions,
  use: (api: CliConsole) => Promise<T>,
  needs: CliNeeds = 'data'
): Promise<T> {
  const engine = await openCliEngine(global, needs)
  try {
    const service = createConsoleService({
      dataDir: global.dataDir,
      transport: 'cli',
      appVersion: APP_VERSION,
      localEngine: engine.localEngine,
      runBackend: engine.runBackend,
      adHocEnvironment: global.adHoc
        ? { url: global.adHoc.url, token: global.adHoc.token }
        : undefined,
      log: logToStderr,
      openAtStart: false,
      // A CLI command must fail fast rather than wait for the app's patient defaults; one that
      // only reads settings never asks the backend at all.
      sessionOptions: {
        live: needs === 'live',
        manager: {
          http: CLI_HTTP,
          connectWaitMs: CLI_CONNECT_WAIT_MS,
          connect: needs !== 'settings'
        }
      }
    })
    try {
      return await use({
        // The service parsed the result with the method's output schema.
        invoke: async (method, input) =>
          (await service.invoke(method, input)) as MethodOutput<typeof method>,
        on: (name, listener) =>
          service.subscribe((event, payload) => {
            // The event sink validated the payload against its schema (or its source did).
            if (event === name) listener(payload as EventPayload<typeof name>)
          })
      })
    } finally {
      await service.dispose()
    }
  } finally {
    await engine.close()
  }
}

import { join } from 'node:path'
import { startEngine, type EngineOptions, type RunningEngine } from '../../../engine'
import {
  createConsoleService,
  type ConsoleService,
  type ConsoleServiceOptions
} from '../console-service'
import { StaticTokenAuth } from '../client/auth'
import { BackendClient } from '../client/backend-client'
import { makeTempDir } from './temp-dir'

/** An embedded engine for a test, with its database in a folder of its own. */
export interface TempEngine {
  readonly engine: RunningEngine
  /** A fresh folder under os.tmpdir() holding the engine's `engine.db`; tests may add files. */
  readonly dir: string
  /** Stops the engine, then removes the folder. */
  close(): Promise<void>
}

/**
 * Starts the real engine, quiet, on a free port of 127.0.0.1, on a new SQLite file in a fresh
 * temp folder named after `prefix`. `options` add to or override those defaults.
 */
export async function startTempEngine(
  prefix: string,
  options: Partial<EngineOptions> = {}
): Promise<TempEngine> {
  const temp = makeTempDir(prefix)
  try {
    const engine = await startEngine({
      dbPath: join(temp.dir, 'engine.db'),
      port: 0,
      quiet: true,
      ...options
    })
    return {
      engine,
      dir: temp.dir,
      close: async () => {
        await engine.close()
        temp.remove()
      }
    }
  } catch (error) {
    temp.remove()
    throw error
  }
}

/**
 * The console service as browser mode runs it, with the engine in `dir` as its local environment
 * and its data in `dir/data`. `options` add to or override those defaults.
 */
export function createLocalConsole(
  engine: RunningEngine,
  dir: string,
  options: Partial<ConsoleServiceOptions> = {}
): ConsoleService {
  return createConsoleService({
    dataDir: join(dir, 'data'),
    transport: 'browser',
    appVersion: 'test',
    localEngine: { url: engine.url, adminToken: engine.adminToken },
    ...options
  })
}

/** The embedded engine with a console on it as its local environment, for one test file. */
export interface LocalConsole extends TempEngine {
  readonly service: ConsoleService
  /** The engine's API as its admin (to seed what the console then reads). */
  readonly admin: BackendClient
  /** Invokes a console method (input `{}` unless given), its answer typed as the test expects. */
  call<T = Record<string, unknown>>(method: string, input?: unknown): Promise<T>
}

/**
 * startTempEngine, then createLocalConsole on it: the setup of the console's engine tests.
 * `close` disposes of the console, then stops the engine and removes its folder.
 */
export async function startLocalConsole(
  prefix: string,
  options: { engine?: Partial<EngineOptions>; console?: Partial<ConsoleServiceOptions> } = {}
): Promise<LocalConsole> {
  const temp = await startTempEngine(prefix, options.engine)
  const service = createLocalConsole(temp.engine, temp.dir, options.console)
  return {
    engine: temp.engine,
    dir: temp.dir,
    service,
    admin: new BackendClient(temp.engine.url, new StaticTokenAuth(temp.engine.adminToken)),
    call: <T>(method: string, input: unknown = {}) => service.invoke(method, input) as Promise<T>,
    close: async () => {
      await service.dispose()
      await temp.close()
    }
  }
}

/** Calls `engine`'s API as its admin; `body`, when given, is sent as JSON. */
export function engineFetch(
  engine: RunningEngine,
  method: string,
  route: string,
  body?: unknown
): Promise<Response> {
  return fetch(engine.baseUrl + route, {
    method,
    headers: {
      authorization: `Bearer ${engine.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
}

/** Publishes one event on `engine`'s stream, as the engine's own services would. */
export function publishEvent(
  engine: RunningEngine,
  channel: string,
  eventType: string,
  data: Record<string, unknown>
): Promise<Response> {
  return engineFetch(
    engine,
    'POST',
    `/stream/publish?channel=${channel}&event_type=${eventType}`,
    data
  )
}

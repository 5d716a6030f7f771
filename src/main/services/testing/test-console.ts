import {
  createConsoleService,
  type ConsoleService,
  type ConsoleServiceOptions
} from '../console-service'

/**
 * The console service as browser mode runs it, on data folder `dataDir`, with no local engine and
 * a silent log (app version `test`). `options` add to or override those defaults.
 */
export function createTestConsole(
  dataDir: string,
  options: Partial<ConsoleServiceOptions> = {}
): ConsoleService {
  return createConsoleService({
    dataDir,
    transport: 'browser',
    appVersion: 'test',
    localEngine: null,
    log: () => {},
    ...options
  })
}

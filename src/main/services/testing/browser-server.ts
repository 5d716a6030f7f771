import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ConsoleService, ConsoleServiceOptions } from '../console-service'
import { startBrowserServer, type BrowserServer, type BrowserServerOptions } from '../serve/server'
import { makeTempDir } from './temp-dir'
import { createTestConsole } from './test-console'

/** Browser mode for a test: a console without a local engine behind its loopback server. */
export interface TempBrowserServer {
  /** A fresh folder under os.tmpdir(): the console's data folder, holding the `files` asked for. */
  readonly dir: string
  readonly service: ConsoleService
  readonly server: BrowserServer
  /** Stops the server, disposes of the console, then removes the folder. */
  close(): Promise<void>
}

/** What differs between the tests that serve a console in browser mode. */
export interface TempBrowserServerOptions {
  /** Files written before the server starts, by path relative to the folder. */
  files?: Record<string, string>
  /** The folder served as the renderer, relative to the folder (the folder itself by default). */
  rendererDir?: string
  /** Added to or overriding the console's options (app version `test`, no log). */
  console?: Partial<ConsoleServiceOptions>
  /** Added to the server's options. */
  server?: Partial<Omit<BrowserServerOptions, 'service' | 'rendererDir'>>
}

/**
 * Starts the real browser-mode server on 127.0.0.1 over a real console service whose data folder is
 * a fresh temp folder named after `prefix`; `options` say what the tests differ in.
 */
export async function startTempBrowserServer(
  prefix: string,
  options: TempBrowserServerOptions = {}
): Promise<TempBrowserServer> {
  const temp = makeTempDir(prefix)
  for (const [path, text] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(temp.dir, path)), { recursive: true })
    await writeFile(join(temp.dir, path), text)
  }
  const service = createTestConsole(temp.dir, options.console)
  try {
    const server = await startBrowserServer({
      service,
      rendererDir: join(temp.dir, options.rendererDir ?? ''),
      ...options.server
    })
    return {
      dir: temp.dir,
      service,
      server,
      close: async () => {
        await server.close()
        await service.dispose()
        temp.remove()
      }
    }
  } catch (error) {
    await service.dispose()
    temp.remove()
    throw error
  }
}

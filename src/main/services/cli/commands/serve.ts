import { existsSync } from 'node:fs'
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { createConsoleService, type ConsoleService, type ServiceLog } from '../../console-service'
import { APP_VERSION } from '../../context'
import { localEngineOf, startEngineHost, type EngineHost } from '../../engine-host'
import { isLoopbackName, normalizeAllowedHost } from '../../../../shared/net/host'
import { oneLine } from '../../client/backend-error'
import { installLastResort } from '../../last-resort'
import { ensurePrivateDir } from '../../private-dir'
import { startBrowserServer, type BrowserServer } from '../../serve/server'
import { CliError, stopSignalOf, untilAborted, type CliCommand } from '../args'

/** Options of {@link startServe}. */
export interface ServeOptions {
  readonly dataDir: string
  readonly host?: string
  readonly port?: number
  /** Host names answered besides loopback and the bound address (see BrowserServerOptions). */
  readonly allowedHosts?: readonly string[]
  /** Skip the embedded engine (the console then only talks to saved or ad-hoc environments). */
  readonly noEngine?: boolean
  readonly adHoc?: { readonly url: string; readonly token?: string }
  /** Use this already-running engine as the local one instead of starting one (tests, benches). */
  readonly localEngine?: { readonly url: string; readonly adminToken: string }
  /** The built renderer; found next to the bundle or in ./out/renderer when not given. */
  readonly rendererDir?: string
  readonly token?: string
  readonly log?: ServiceLog
}

/** Where browser mode keeps its bearer token for scripts, in the data folder. */
export const SERVE_TOKEN_FILE = 'serve-token'

/** A running browser mode: the server, the services and the engine it started (if any). */
export interface ServeHandle {
  /** The one-time sign-in address to open (see BrowserServer.url). */
  readonly url: string
  /** The file holding the bearer token, readable by this user only (removed on close). */
  readonly tokenFile: string
  readonly server: BrowserServer
  readonly service: ConsoleService
  readonly engine: EngineHost | null
  close(): Promise<void>
}

/** Where the built renderer is: $CONTROLDECK_RENDERER_DIR, beside the bundle, or ./out/renderer. */
export function findRendererDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    env.CONTROLDECK_RENDERER_DIR,
    // out/node/controldeck.js → out/renderer
    fileURLToPath(new URL('../renderer', import.meta.url)),
    path.resolve('out/renderer')
  ].filter((dir): dir is string => typeof dir === 'string' && dir !== '')
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates.at(-1)!
}

/**
 * Writes the token where only this user can read it: a new file made 0600 and renamed over the
 * old one, so no moment exists where the token sits in a file with wider permissions.
 */
async function writeTokenFile(file: string, token: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`
  await rm(temp, { force: true })
  await writeFile(temp, `${token}\n`, { mode: 0o600, flag: 'wx' })
  await chmod(temp, 0o600)
  await rename(temp, file)
}

/** Removes the token file unless another launch has written its own since. */
async function removeTokenFile(file: string, token: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => null)
  if (current?.trim() === token) await rm(file, { force: true })
}

/**
 * Starts browser mode: the embedded engine (unless `noEngine` or an ad-hoc backend is given), the
 * console services on top, and the loopback HTTP server. Everything started is closed by `close`,
 * in reverse order; a failure half-way closes what already runs.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const notice = ensurePrivateDir(options.dataDir)
  if (notice) options.log?.(notice)
  const engine =
    options.noEngine || options.adHoc || options.localEngine
      ? null
      : await startEngineHost({ dataDir: options.dataDir, log: options.log })
  const localEngine = options.localEngine ?? localEngineOf(engine)
  let service: ConsoleService | undefined
  try {
    service = createConsoleService({
      dataDir: options.dataDir,
      transport: 'browser',
      appVersion: APP_VERSION,
      localEngine,
      adHocEnvironment: options.adHoc,
      log: options.log
    })
    const server = await startBrowserServer({
      service,
      rendererDir: options.rendererDir ?? findRendererDir(),
      host: options.host,
      port: options.port,
      allowedHosts: options.allowedHosts,
      token: options.token,
      log: options.log
    })
    const started = service
    const tokenFile = path.join(options.dataDir, SERVE_TOKEN_FILE)
    try {
      await writeTokenFile(tokenFile, server.token)
    } catch (error) {
      await server.close()
      throw error
    }
    return {
      url: server.url,
      tokenFile,
      server,
      service: started,
      engine,
      async close() {
        await removeTokenFile(tokenFile, server.token)
        await server.close()
        await started.dispose()
        await engine?.close()
      }
    }
  } catch (error) {
    await service?.dispose()
    await engine?.close()
    throw error
  }
}

const ServeFlagsSchema = z.object({
  port: z.coerce
    .number({ error: '--port must be a number' })
    .int('--port must be a whole number')
    .min(0, '--port must be between 0 and 65535')
    .max(65535, '--port must be between 0 and 65535')
    .default(0),
  host: z.string().min(1, '--host must not be empty').default('127.0.0.1'),
  // The one host policy's own check (src/shared/net/host.ts), as the engine's --allow-host.
  'allow-host': z
    .array(
      z.string().superRefine((entry, ctx) => {
        if (normalizeAllowedHost(entry) === null)
          ctx.addIssue({
            code: 'custom',
            message: `--allow-host: "${oneLine(entry, 80)}" is not a host name, host:port or *`
          })
      })
    )
    .max(100, '--allow-host: at most 100 names')
    .default([])
})

/** `controldeck serve`: the console in any browser (on this machine unless --host says otherwise). */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary:
    'start browser mode: the console on a loopback HTTP server, opened by a one-time address',
  usage: 'serve [--port N] [--host H] [--allow-host NAME[:PORT]]… [--no-engine]',
  options: {
    port: {
      type: 'string',
      valueName: 'N',
      description: 'port to listen on (default: a free one)'
    },
    host: { type: 'string', valueName: 'H', description: 'interface to bind (default 127.0.0.1)' },
    'allow-host': {
      type: 'string',
      multiple: true,
      valueName: 'NAME[:PORT]',
      description:
        "also answer requests for this host name (repeatable; NAME: any port; '*' turns the check off)"
    },
    'no-engine': { type: 'boolean', description: 'do not start the embedded engine' }
  },
  async run({ global, options, io, print }) {
    const flags = ServeFlagsSchema.safeParse({
      port: options.port,
      host: options.host,
      'allow-host': options['allow-host']
    })
    if (!flags.success) throw new CliError(flags.error.issues[0]?.message ?? 'invalid flags')
    if (!isLoopbackName(flags.data.host)) {
      io.err(
        `controldeck: warning: binding to ${flags.data.host} exposes the console beyond this ` +
          'machine over plain http; only its sign-in codes, session cookies and token protect it'
      )
    }
    if (flags.data['allow-host'].some((entry) => entry.trim() === '*')) {
      io.err(
        "controldeck: warning: --allow-host '*' turns the Host check off: a web page whose name " +
          'is re-pointed at this machine (DNS rebinding) can then reach the console'
      )
    }
    const log: ServiceLog = (message, details) =>
      io.err(`controldeck: ${message}${details instanceof Error ? `: ${details.message}` : ''}`)
    // The engine and the console share this process: a stray exception must not end both.
    const removeLastResort = installLastResort(log)
    const handle = await startServe({
      dataDir: global.dataDir,
      host: flags.data.host,
      port: flags.data.port,
      allowedHosts: flags.data['allow-host'],
      noEngine: options['no-engine'] === true,
      adHoc: global.adHoc,
      log
    })
    print(
      {
        url: handle.url,
        origin: handle.server.origin,
        engineUrl: handle.engine?.url ?? null,
        tokenFile: handle.tokenFile
      },
      () =>
        `ControlDeck browser mode: ${handle.url}\n` +
        'The address signs one browser in, once, within a minute. Scripts send the token in ' +
        `${handle.tokenFile} as \`Authorization: Bearer\`.`
    )
    await untilAborted(stopSignalOf(io))
    await handle.close()
    removeLastResort()
  }
}

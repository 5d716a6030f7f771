import { homedir } from 'node:os'
import path from 'node:path'
import type { z } from 'zod'
import packageJson from '../../../package.json' with { type: 'json' }
import type { ConsoleEventSink } from '../../shared/console/api'
import type { Transport } from '../../shared/console/domains/app'
import type { MethodDefinition } from '../../shared/console/define'
import type { ConsoleSessions } from './session/console-sessions'
import type { Role } from '../../shared/neurorail/rbac'
import type { RunEngine } from './runs/run-manager'
import type { UpdateController } from './updates/update-controller'

/**
 * What every handler factory receives: where the console keeps its files, which transport carries
 * it, and how to push events. Built once per launch by the Electron main process or `controldeck serve`.
 */
export interface ServiceContext {
  /** Settings, cache and the embedded engine's database live here. */
  readonly dataDir: string
  readonly transport: Transport
  readonly appVersion: string
  /** Pushes a ConsoleApi event to every connected renderer (payload validated on the way). */
  readonly events: ConsoleEventSink
  /**
   * The one SessionManager of this launch (environments, credentials, the active environment),
   * created by `createConsoleService` before any handler factory runs. `sessions.manager()` for
   * the manager itself; the live and cache handlers read it as their ActiveSessionSource.
   */
  readonly sessions: ConsoleSessions
  /**
   * The console's self-update (src/main/services/updates), created disabled by
   * `createConsoleService`; the Electron main process enables it in a packaged app with a feed.
   */
  readonly updates: UpdateController
  /** The embedded engine this launch started, or null (`--no-engine`, or `--url` given). */
  readonly localEngine: {
    readonly url: string
    readonly adminToken: string
    /** Registers another bearer token on the engine (in-process); local runs get one each. */
    readonly addToken?: (token: string, role: Role, name?: string) => void
    /** Revokes a token given by `addToken` (a local run's, once it has exited). */
    readonly removeToken?: (token: string) => void
    /** The OTLP ingest endpoint and its token (a secret: see `copyOtlpIngestToken`). */
    readonly otlpIngest?: { readonly url: string; readonly token: string }
  } | null
  /**
   * Where local agent runs report when that is not `localEngine` (absent: `localEngine`). The app
   * runs agents on its embedded engine only; the CLI's `run` on the backend it works against: an
   * ad-hoc `--url` or a remote active environment, each run sharing the operator's token.
   */
  readonly runBackend?: RunEngine
  /** A backend named on the command line (`--url`/`--token`), used instead of the saved environments. */
  readonly adHocEnvironment?: { readonly url: string; readonly token?: string }
  /**
   * The `controldeck://` path this launch was opened with (Electron only). It is held until the
   * renderer asks for it, because an event sent before the renderer subscribes would be lost.
   */
  readonly launchDeepLink?: string
  /**
   * Save and open dialogs of the desktop app (Electron only; browser mode downloads and uploads in
   * the page instead). Each resolves null when the operator cancels.
   */
  readonly files?: FileDialogs
  /**
   * Writes text to the system clipboard from the main process (Electron), so that a secret the
   * user copies never crosses to the renderer. Absent in browser mode: there the page's own
   * clipboard is the user's, so the secret has to reach the page.
   */
  readonly writeClipboard?: (text: string) => void
}

/** Text files chosen by the operator through the desktop app's dialogs. */
export interface FileDialogs {
  /** Asks where to save `text` (suggesting `fileName`) and writes it; the path written, or null. */
  saveText(fileName: string, text: string): Promise<string | null>
  /** Asks for a JSON file and reads it, refusing one over `maxBytes`; its text, or null. */
  openText(maxBytes: number): Promise<string | null>
}

/**
 * The implementation of one domain's methods. Each receives the already-validated input and
 * resolves to something the method's output schema accepts (the transport parses it).
 */
export type DomainHandlers<M extends Record<string, MethodDefinition>> = {
  [K in keyof M]: (input: z.output<M[K]['input']>) => Promise<z.input<M[K]['output']>>
}

/**
 * What `src/main/services/handlers/<domain>.ts` returns from `create<Domain>Handlers(ctx)`:
 * the handlers of that domain and, when it holds resources (timers, sockets, databases), a dispose.
 * Owners type it as `HandlerModule<typeof <domain>Methods>` so a method without a handler fails typecheck.
 */
export interface HandlerModule<M extends Record<string, MethodDefinition>> {
  readonly handlers: DomainHandlers<M>
  /** Sees every event the services push (after validation), e.g. to decide on notifications. */
  observe?(name: string, payload: unknown): void
  dispose?(): Promise<void> | void
}

/** The console's version, from package.json (inlined by the bundlers). */
export const APP_VERSION: string = packageJson.version

/**
 * Where settings, cache and the embedded engine's database live unless `--data-dir` says otherwise:
 * $CONTROLDECK_DATA_DIR, else the platform's per-user config folder + `ControlDeck`. The Electron
 * app and the CLI use the same folder so they share environments and cache.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform
): string {
  if (env.CONTROLDECK_DATA_DIR) return path.resolve(env.CONTROLDECK_DATA_DIR)
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'ControlDeck')
  if (platform === 'darwin')
    return path.join(homedir(), 'Library', 'Application Support', 'ControlDeck')
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'ControlDeck')
}

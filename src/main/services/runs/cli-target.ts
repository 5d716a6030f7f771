import { startEngineHost, type EngineHost } from '../engine-host'
import { EnvironmentStore } from '../environments/environment-store'
import { openCredentials } from '../environments/open-environments'
import { authFor } from '../session/auth-for'
import type { RunEngine } from './run-manager'

/** The backend a one-shot CLI command's agent runs report to. */
export interface CliTarget {
  /** The engine this command started (the active environment is the local engine), or null. */
  readonly engine: EngineHost | null
  /**
   * The remote backend (`--url`, or the active saved environment) and the token every run shares
   * (the operator's own credential: a remote backend mints none per run); null when `engine` is set.
   */
  readonly remote: RunEngine | null
  close(): Promise<void>
}

/** Where the CLI finds its environment: `--url/--token`, else the active saved environment. */
export interface CliTargetOptions {
  readonly dataDir: string
  readonly adHoc?: { readonly url: string; readonly token?: string }
}

/**
 * Resolves the backend of a one-shot command. With `--url` it is that URL and token. Otherwise it
 * is the active environment: the local engine is started in this process on the console's own
 * database (so the desktop console shows the run afterwards), and a remote one uses the
 * credential kept in the keychain (a BRAiN login yields its current access token).
 */
export async function resolveCliTarget(options: CliTargetOptions): Promise<CliTarget> {
  if (options.adHoc) {
    const remote = { url: options.adHoc.url, adminToken: options.adHoc.token ?? '' }
    return { engine: null, remote, close: async () => undefined }
  }
  const environments = await EnvironmentStore.load({
    dataDir: options.dataDir,
    localUrl: null,
    adHoc: null
  })
  const profile = environments.get(environments.activeId)
  if (profile.kind === 'embedded') {
    const engine = await startEngineHost({ dataDir: options.dataDir })
    return { engine, remote: null, close: () => engine.close() }
  }
  // The keychain is opened only here: a command on the local engine never waits for its probe.
  const credentials = await openCredentials(environments)
  const auth = await authFor(profile, credentials, { localToken: null, adHocToken: null })
  if (auth.missing) {
    auth.close()
    throw new Error(auth.missing)
  }
  const header = (await auth.provider?.authorization()) ?? null
  const token = header?.replace(/^Bearer\s+/i, '') ?? ''
  return {
    engine: null,
    remote: { url: profile.baseUrl, adminToken: token },
    close: async () => auth.close()
  }
}

import { BackendClient } from '../client/backend-client'
import { StaticTokenAuth } from '../client/auth'
import { startEngineHost, type EngineHost } from '../engine-host'
import { EnvironmentStore } from '../environments/environment-store'
import { openCredentials } from '../environments/open-environments'
import { authFor } from '../session/auth-for'
import type { RunEngine } from './run-manager'

/** The backend a one-shot CLI command talks to. */
export interface CliTarget {
  /** Environment name for messages (`Local engine`, `staging`, or the ad-hoc URL). */
  readonly label: string
  /** The saved environment is marked read-only (writes and runs are refused); false for `--url`. */
  readonly readOnly: boolean
  readonly url: string
  /** Bearer token for the agent and the governance reads ('' when the environment needs none). */
  readonly token: string
  /** The engine this command started (the active environment is the local engine), or null. */
  readonly engine: EngineHost | null
  /** What a run manager needs: local engines mint a token per run, remote ones share `token`. */
  runEngine(): RunEngine
  /** A typed client for governance reads. */
  client(): BackendClient
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
    return remoteTarget(
      options.adHoc.url,
      false,
      options.adHoc.url,
      options.adHoc.token ?? '',
      async () => undefined
    )
  }
  const environments = await EnvironmentStore.load({
    dataDir: options.dataDir,
    localUrl: null,
    adHoc: null
  })
  const profile = environments.get(environments.activeId)
  if (profile.kind === 'embedded') {
    const engine = await startEngineHost({ dataDir: options.dataDir })
    return {
      label: profile.name,
      readOnly: profile.readOnly,
      url: engine.url,
      token: engine.adminToken,
      engine,
      runEngine: () => ({
        url: engine.url,
        adminToken: engine.adminToken,
        addToken: engine.addToken,
        removeToken: engine.removeToken
      }),
      client: () => new BackendClient(engine.url, new StaticTokenAuth(engine.adminToken)),
      close: () => engine.close()
    }
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
  return remoteTarget(profile.name, profile.readOnly, profile.baseUrl, token, async () =>
    auth.close()
  )
}

function remoteTarget(
  label: string,
  readOnly: boolean,
  url: string,
  token: string,
  close: () => Promise<void>
): CliTarget {
  return {
    label,
    readOnly,
    url,
    token,
    engine: null,
    runEngine: () => ({ url, adminToken: token }),
    client: () => new BackendClient(url, token ? new StaticTokenAuth(token) : null),
    close
  }
}

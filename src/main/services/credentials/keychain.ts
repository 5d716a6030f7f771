import type { KeychainUnavailableReason } from '../../../shared/console/domains/environments'
import { oneLine } from '../client/backend-error'
import { withTimeLimit } from '../time-limit'

/** The part of keytar ControlDeck uses. */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>
}

/**
 * Loads the keychain library. keytar is an optional native dependency: it is skipped by
 * `npm install` where it cannot be built (no libsecret headers), so loading it may fail. Tests
 * pass a loader of a module that fails to load.
 */
export type KeytarLoader = () => Promise<unknown>

/**
 * keytar's package name. Imported through a variable so that neither the typecheck nor a bundler
 * needs the package (it is absent where it could not be built); at run time Node resolves it from
 * node_modules as any external package.
 */
const KEYTAR_PACKAGE = 'keytar'

/** The real loader: keytar, loaded lazily so that a build without it still runs, session-only. */
export function loadKeytar(): Promise<unknown> {
  return import(/* @vite-ignore */ KEYTAR_PACKAGE)
}

/** Why there is no keychain: the reason code and a sentence fragment saying what to do. */
export interface KeychainProblem {
  reason: KeychainUnavailableReason
  detail: string
}

export interface LoadedKeychain {
  keychain: Keychain | null
  problem: KeychainProblem | null
  /** The entries found under `service` by the probe (empty without a keychain). */
  entries: Array<{ account: string; password: string }>
}

export interface LoadKeychainOptions {
  /** The service whose entries the probe lists. */
  service: string
  /** How long the keychain has to answer the probe before it counts as absent. */
  timeoutMs: number
  load?: KeytarLoader
  platform?: NodeJS.Platform
}

/**
 * Loads keytar and asks the keychain for the service's entries. Never throws: a library that
 * does not load, or a keychain that fails or does not answer within `timeoutMs`, is "no keychain"
 * with the precise reason.
 */
export async function loadKeychain(options: LoadKeychainOptions): Promise<LoadedKeychain> {
  const platform = options.platform ?? process.platform
  let keychain: Keychain
  try {
    const mod = (await (options.load ?? loadKeytar)()) as Partial<Keychain> & { default?: Keychain }
    const candidate = (mod.default ?? mod) as Partial<Keychain>
    if (
      typeof candidate.findCredentials !== 'function' ||
      typeof candidate.getPassword !== 'function'
    ) {
      throw new Error('the module loaded is not keytar (it has no findCredentials/getPassword)')
    }
    keychain = candidate as Keychain
  } catch (error) {
    return { keychain: null, problem: libraryProblem(error, platform), entries: [] }
  }
  try {
    const entries = await withTimeLimit(
      keychain.findCredentials(options.service),
      options.timeoutMs,
      () => {
        throw new Error(`no answer within ${options.timeoutMs} ms`)
      }
    )
    return { keychain, problem: null, entries }
  } catch (error) {
    return { keychain: null, problem: serviceProblem(error, platform), entries: [] }
  }
}

/**
 * keytar itself missing (npm skipped the optional dependency because it could not be built) vs.
 * keytar present but its native part not loading (not built, or libsecret missing at run time).
 */
export function libraryProblem(
  error: unknown,
  platform: NodeJS.Platform = process.platform
): KeychainProblem {
  const message = errorText(error)
  const code = (error as NodeJS.ErrnoException | null)?.code
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
  // keytar's own require of build/Release/keytar.node also says "Cannot find module": that is an
  // installed package whose native part is missing, not a missing package.
  if (notFound && !/\.node\b/.test(message)) {
    return {
      reason: 'library_missing',
      detail:
        platform === 'linux'
          ? 'keychain library not installed (keytar could not be built: install libsecret-1-dev, e.g. apt-get install libsecret-1-dev, then run npm install again)'
          : 'keychain library not installed (keytar could not be built: run npm install again with the build tools of this platform)'
    }
  }
  return {
    reason: 'library_missing',
    detail:
      platform === 'linux'
        ? `keychain library could not be loaded (keytar: ${message}; install libsecret-1-dev, e.g. apt-get install libsecret-1-dev, then run npm rebuild keytar)`
        : `keychain library could not be loaded (keytar: ${message}; run npm rebuild keytar)`
  }
}

/** keytar loaded, but nothing answered the probe: on Linux, no Secret Service on the session bus. */
export function serviceProblem(
  error: unknown,
  platform: NodeJS.Platform = process.platform
): KeychainProblem {
  const message = errorText(error)
  return {
    reason: 'no_service',
    detail:
      platform === 'linux'
        ? `no Secret Service answering (${message}; start gnome-keyring in a D-Bus session, e.g. apt-get install gnome-keyring dbus-user-session and log in again, or run under dbus-run-session)`
        : `the system keychain did not answer (${message})`
  }
}

/** One bounded line of an error's message. */
export function errorText(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error), 200) || 'unknown error'
}

import { withTimeLimit } from '../time-limit'

/** The part of keytar ControlDeck uses. */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>
}

export interface LoadedKeychain {
  keychain: Keychain | null
  /** Why there is no keychain (a sentence fragment), or null. */
  reason: string | null
  /** Accounts that already hold an entry under the service. */
  accounts: string[]
}

/**
 * Loads keytar (a native module, so loaded lazily: a build without it still runs, session-only)
 * and asks the keychain for the service's accounts. A failure or no answer within `timeoutMs`
 * (e.g. no D-Bus session, no Secret Service) means "no keychain".
 */
export async function loadKeychain(timeoutMs: number, service: string): Promise<LoadedKeychain> {
  let keychain: Keychain
  try {
    const mod = (await import('keytar')) as unknown as Keychain & { default?: Keychain }
    keychain = mod.default ?? mod
  } catch (error) {
    return { keychain: null, reason: `keytar could not be loaded: ${(error as Error).message}`, accounts: [] }
  }
  try {
    const found = await withTimeLimit(keychain.findCredentials(service), timeoutMs, () => {
      throw new Error(`no answer within ${timeoutMs} ms`)
    })
    return { keychain, reason: null, accounts: found.map((c) => c.account) }
  } catch (error) {
    return { keychain: null, reason: (error as Error).message, accounts: [] }
  }
}

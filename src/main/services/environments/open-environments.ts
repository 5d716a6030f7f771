import { CredentialStore, type CredentialStoreOptions } from '../credentials/credential-store'
import { EnvironmentStore, type EnvironmentStoreOptions } from './environment-store'

export interface OpenedEnvironments {
  environments: EnvironmentStore
  credentials: CredentialStore
}

/**
 * Loads a data folder's profiles and its credentials together (the app, `serve` and the CLI all
 * come through here) and moves the secrets of profiles saved before secrets were bound.
 *
 * Migration: an earlier version kept a secret under service `ControlDeck`, account = environment
 * id, shared by every data folder. Each profile that this folder's environments.json saved
 * without a credential id gets one (the file is saved first), and the old entry of its id, if
 * any, is moved under it, bound to the profile's current origin, and deleted — so it moves once,
 * to the first data folder that claims it. Imported and new profiles never take an old entry.
 * Without a keychain nothing moves (and nothing is lost): the next launch with one does it.
 */
export async function openEnvironments(
  options: EnvironmentStoreOptions & { credentials?: CredentialStoreOptions }
): Promise<OpenedEnvironments> {
  const { credentials: credentialOptions, ...storeOptions } = options
  const environments = await EnvironmentStore.load(storeOptions)
  return { environments, credentials: await openCredentials(environments, credentialOptions) }
}

/** The credentials of a loaded data folder, with the migration above done. */
export async function openCredentials(
  environments: EnvironmentStore,
  options?: CredentialStoreOptions
): Promise<CredentialStore> {
  const credentials = await CredentialStore.open(environments.dataDir, options)
  if (credentials.keychainStatus().available && environments.legacyProfiles().length > 0) {
    let bound: Awaited<ReturnType<EnvironmentStore['bindLegacyProfiles']>> = []
    try {
      bound = await environments.bindLegacyProfiles()
    } catch (error) {
      environments.warnings.push(
        `Saved credentials of an earlier ControlDeck version could not be moved, because ${environments.filePath} could not be written (${(error as Error).message}).`
      )
    }
    for (const profile of bound) await credentials.adoptLegacy(profile, profile.id)
  }
  return credentials
}

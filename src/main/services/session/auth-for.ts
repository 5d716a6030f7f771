import { BrainLoginAuth, StaticTokenAuth } from '../client/auth'
import type { AuthProvider } from '../client/http'
import type { CredentialStore } from '../credentials/credential-store'
import { originOf } from '../credentials/binding'
import type { EnvironmentProfile } from '../environments/profile'

/** An environment's auth: the provider for REST calls and a token for the SSE stream. */
export interface EnvironmentAuth {
  provider: AuthProvider | null
  /** Stops refresh timers (BRAiN login). */
  close(): void
  /** Why there is no usable credential although the environment needs one (a sentence), or null. */
  missing: string | null
}

/**
 * Builds the auth of one environment from its kind and stored secret. The local engine uses the
 * per-launch admin token (memory only); `--url --token` uses the given token; saved environments
 * use the keychain entry (bearer token, or BRAiN login whose rotated refresh token is written back)
 * when it was entered for the profile's current origin, and otherwise say they need one.
 */
export async function authFor(
  profile: EnvironmentProfile,
  credentials: CredentialStore,
  overrides: { localToken: string | null; adHocToken: string | null }
): Promise<EnvironmentAuth> {
  const none = (missing: string | null): EnvironmentAuth => ({
    provider: null,
    close: () => undefined,
    missing
  })
  const bearer = (token: string): EnvironmentAuth => ({
    provider: new StaticTokenAuth(token),
    close: () => undefined,
    missing: null
  })
  // Built-in environments (the local engine, an ad-hoc --url) never read the keychain.
  if (profile.kind === 'embedded' || profile.builtIn) {
    const token = profile.kind === 'embedded' ? overrides.localToken : overrides.adHocToken
    return token ? bearer(token) : none(null)
  }
  if (profile.authKind === 'none') return none(null)
  const { secret, savedFor } = await credentials.read(profile)
  // A secret entered for another server is refused, never sent: the operator enters it again.
  const refused = savedFor
    ? ` (the one saved was entered for ${savedFor}, not ${originOf(profile.baseUrl)})`
    : ''
  if (profile.authKind === 'bearer') {
    if (secret?.kind !== 'token')
      return none(`"${profile.name}" needs a bearer token${refused}: set one in its settings.`)
    return bearer(secret.token)
  }
  if (secret?.kind !== 'brain_login')
    return none(
      `"${profile.name}" needs a BRAiN email and password${refused}: set them in its settings.`
    )
  const login = new BrainLoginAuth({
    baseUrl: profile.baseUrl,
    email: secret.email,
    password: secret.password,
    refreshToken: secret.refreshToken ?? null,
    onRefreshToken: (token) => {
      credentials.updateRefreshToken(profile, token).catch(() => undefined)
    }
  })
  return { provider: login, close: () => login.close(), missing: null }
}

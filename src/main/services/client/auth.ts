import { z } from 'zod'
import { BackendError, isBackendError } from './backend-error'
import { HttpTransport, type AuthProvider } from './http'

/** A fixed bearer token (static API tokens, our engine's tokens). */
export class StaticTokenAuth implements AuthProvider {
  constructor(private readonly token: string) {}
  async authorization(): Promise<string> {
    return `Bearer ${this.token}`
  }
}

/** `POST /api/auth/login` and `/api/auth/refresh` answer (neurorail-api.md §7). */
export const TokenPairSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  token_type: z.string().default('bearer'),
  expires_in: z.number().positive().nullish()
})
export type TokenPair = z.infer<typeof TokenPairSchema>

export interface BrainLoginOptions {
  /** The environment's base URL (BRAiN's /api/auth routes hang off it, outside the NeuroRail prefix). */
  baseUrl: string
  email: string
  password: string
  /** A refresh token kept from a previous session (keychain), tried before the password. */
  refreshToken?: string | null
  /** Called whenever BRAiN issues a new refresh token, so the keychain copy stays current. */
  onRefreshToken?: (refreshToken: string) => void
  timeoutMs?: number
}

/**
 * BRAiN login: email + password → access and refresh JWTs; the access token lives in memory only
 * and is refreshed at 80 % of `expires_in`. The login route follows BRAiN's `backend/app/api/routes/auth.py`;
 * the refresh route (`POST /api/auth/refresh {refresh_token}`) follows the same auth routes and is
 * untested against a real BRAiN — on any refresh failure we fall back to a fresh password login.
 */
export class BrainLoginAuth implements AuthProvider {
  private readonly http: HttpTransport
  private accessToken: string | null = null
  private refreshToken: string | null
  private timer: NodeJS.Timeout | null = null
  private pending: Promise<string> | null = null
  private closed = false
  /** Aborted by close: a login in flight to a backend that does not answer ends at once. */
  private readonly aborts = new AbortController()

  constructor(private readonly options: BrainLoginOptions) {
    this.http = new HttpTransport(options.baseUrl.replace(/\/+$/, ''), null, {
      timeoutMs: options.timeoutMs ?? 10_000,
      retries: 0,
      signal: this.aborts.signal
    })
    this.refreshToken = options.refreshToken ?? null
  }

  async authorization(): Promise<string> {
    if (this.closed)
      throw new BackendError({
        code: 'unauthorized',
        message: 'This environment session is closed'
      })
    const token = this.accessToken ?? (await this.obtain())
    return `Bearer ${token}`
  }

  /** A 401 with our token: forget it so the next call logs in again. */
  invalidate(): void {
    this.accessToken = null
  }

  /** Stops the refresh timer and cancels a login in flight; the access token is forgotten. */
  close(): void {
    this.closed = true
    this.aborts.abort()
    this.accessToken = null
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** Logs in (or refreshes) once, even when many requests ask at the same moment. */
  private obtain(): Promise<string> {
    this.pending ??= this.loginOrRefresh().finally(() => {
      this.pending = null
    })
    return this.pending
  }

  private async loginOrRefresh(): Promise<string> {
    if (this.refreshToken) {
      try {
        return this.accept(
          await this.post('/api/auth/refresh', { refresh_token: this.refreshToken }, [
            this.refreshToken
          ])
        )
      } catch (error) {
        // Expired or revoked refresh token, or a BRAiN without the route: log in with the password.
        if (isBackendError(error) && (error.code === 'network' || error.code === 'timeout'))
          throw error
        this.refreshToken = null
      }
    }
    try {
      return this.accept(
        await this.post(
          '/api/auth/login',
          { email: this.options.email, password: this.options.password },
          [this.options.password]
        )
      )
    } catch (error) {
      if (
        isBackendError(error) &&
        (error.status === 401 || error.status === 400 || error.status === 403)
      ) {
        throw new BackendError({
          code: 'unauthorized',
          status: error.status,
          message: 'BRAiN refused the login: check the email and password of this environment'
        })
      }
      throw error
    }
  }

  /** `secrets`: what the body carries, never to be repeated from a failed answer. */
  private post(path: string, body: unknown, secrets: string[]): Promise<TokenPair> {
    return this.http.json({ method: 'POST', path, body, secrets }, TokenPairSchema)
  }

  private accept(pair: TokenPair): string {
    this.accessToken = pair.access_token
    if (pair.refresh_token && pair.refresh_token !== this.refreshToken) {
      this.refreshToken = pair.refresh_token
      this.options.onRefreshToken?.(pair.refresh_token)
    }
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (pair.expires_in && !this.closed) {
      // Refresh at 80 % of the lifetime so no request ever carries an expired token.
      const ms = Math.max(1_000, Math.min(pair.expires_in * 1000 * 0.8, 2 ** 31 - 1))
      this.timer = setTimeout(() => {
        this.timer = null
        this.accessToken = null
        this.obtain().catch(() => undefined)
      }, ms)
      this.timer.unref()
    }
    return pair.access_token
  }
}

import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { isLoopbackName } from '../../../shared/net/host'

/** The file in the data folder that configures updates (beside environments.json). */
export const UPDATE_CONFIG_FILE = 'update.json'
/** Overrides the feed (`off` turns updates off); wins over update.json and the built-in feed. */
export const UPDATE_URL_ENV = 'CONTROLDECK_UPDATE_URL'

const MAX_CONFIG_BYTES = 64 * 1024
const MAX_URL = 2048

/**
 * Where updates come from. `url`: a generic electron-builder feed (a folder served over HTTPS
 * holding latest*.yml and the installers). `bundled`: the app-update.yml that `npm run dist`
 * wrote into the package when built with CONTROLDECK_UPDATE_URL. `none`: updates are off, and why.
 */
export type UpdateFeed =
  | { readonly kind: 'url'; readonly url: string; readonly source: string }
  | { readonly kind: 'bundled'; readonly file: string }
  | { readonly kind: 'none'; readonly reason: string }

const UpdateConfigSchema = z.strictObject({
  /** false turns updates off for this data folder. */
  enabled: z.boolean().optional(),
  url: z.string().max(MAX_URL).optional()
})

export interface UpdateFeedInput {
  /** Electron's app.isPackaged: a development checkout never updates itself. */
  readonly packaged: boolean
  readonly env: NodeJS.ProcessEnv
  readonly dataDir: string
  /** app-update.yml inside the package (process.resourcesPath), when the build has one. */
  readonly bundledConfig: string | null
}

const OFF = new Set(['off', '0', 'false', 'no', 'none'])

/** HTTPS anywhere; plain HTTP only on the loopback interface (a local test feed). */
export function checkFeedUrl(
  raw: string
): { ok: true; url: string } | { ok: false; problem: string } {
  const text = raw.trim()
  if (text.length === 0 || text.length > MAX_URL)
    return { ok: false, problem: `must be a URL of 1 to ${MAX_URL} characters` }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { ok: false, problem: `${JSON.stringify(text.slice(0, 80))} is not a URL` }
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackName(url.hostname))) {
    return { ok: false, problem: 'must use https (http only for 127.0.0.1 or localhost)' }
  }
  if (url.username || url.password)
    return { ok: false, problem: 'must not carry a user name or password' }
  return { ok: true, url: url.href }
}

/**
 * Decides where updates come from, first match wins: not packaged → none; $CONTROLDECK_UPDATE_URL;
 * `<dataDir>/update.json` (`{"url": "https://…"}` or `{"enabled": false}`); the feed built into the
 * package; else none. A bad setting turns updates off with a reason naming it, never a crash.
 */
export function resolveUpdateFeed(input: UpdateFeedInput): UpdateFeed {
  if (!input.packaged) {
    return {
      kind: 'none',
      reason: 'Updates are off in a development build; an installed ControlDeck updates itself.'
    }
  }
  const fromEnv = input.env[UPDATE_URL_ENV]
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    if (OFF.has(fromEnv.trim().toLowerCase()))
      return { kind: 'none', reason: `Updates are turned off by ${UPDATE_URL_ENV}.` }
    const checked = checkFeedUrl(fromEnv)
    if (!checked.ok)
      return { kind: 'none', reason: `Updates are off: ${UPDATE_URL_ENV} ${checked.problem}.` }
    return { kind: 'url', url: checked.url, source: UPDATE_URL_ENV }
  }

  const file = path.join(input.dataDir, UPDATE_CONFIG_FILE)
  if (existsSync(file)) {
    const problem = (text: string): UpdateFeed => ({
      kind: 'none',
      reason: `Updates are off: ${file} ${text}.`
    })
    let raw: unknown
    try {
      if (statSync(file).size > MAX_CONFIG_BYTES)
        return problem(`is larger than ${MAX_CONFIG_BYTES / 1024} KB`)
      raw = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      return problem(`could not be read as JSON (${(error as Error).message})`)
    }
    const parsed = UpdateConfigSchema.safeParse(raw)
    if (!parsed.success)
      return problem(
        `is not {"url": "https://…"} or {"enabled": false} (${parsed.error.issues[0]?.message})`
      )
    if (parsed.data.enabled === false)
      return { kind: 'none', reason: `Updates are turned off in ${file}.` }
    if (parsed.data.url !== undefined) {
      const checked = checkFeedUrl(parsed.data.url)
      if (!checked.ok) return problem(`has a url that ${checked.problem}`)
      return { kind: 'url', url: checked.url, source: file }
    }
  }

  if (input.bundledConfig && existsSync(input.bundledConfig))
    return { kind: 'bundled', file: input.bundledConfig }
  return {
    kind: 'none',
    reason: `No update feed is configured: set ${UPDATE_URL_ENV} or write {"url": "https://…"} to ${file}.`
  }
}

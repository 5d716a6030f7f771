import { z } from 'zod'
import {
  EnvironmentColorSchema,
  EnvironmentIdSchema,
  EnvironmentInputSchema,
  LOCAL_ENVIRONMENT_ID,
  type EnvironmentColor,
  type EnvironmentKind,
  type AuthKind
} from '../../../shared/console/domains/environments'

/** One environment as ControlDeck keeps it. Never a secret: those live in the keychain. */
export interface EnvironmentProfile {
  id: string
  name: string
  /** '' for the local engine when this launch runs none. */
  baseUrl: string
  kind: EnvironmentKind
  authKind: AuthKind
  color: EnvironmentColor
  isProduction: boolean
  readOnly: boolean
  /** The local engine and an ad-hoc `--url` environment: not editable, not removable, not exported. */
  builtIn: boolean
  /**
   * The keychain account of this profile's secret: random, made in this data folder, never
   * exported or imported. '' for the built-in environments, which keep no secret, and for a
   * profile saved before secrets were bound until its old entry is moved (EnvironmentStore).
   */
  credentialId: string
}

/**
 * A saved remote profile in environments.json (and in export files): what addEnvironment accepts,
 * plus its id. Unknown keys — e.g. a stray secret — are dropped.
 */
export const StoredProfileSchema = z.object({
  id: EnvironmentIdSchema.refine(
    (id) => id !== LOCAL_ENVIRONMENT_ID && id !== AD_HOC_ENVIRONMENT_ID,
    {
      message: `"${LOCAL_ENVIRONMENT_ID}" and "adhoc" are reserved ids`
    }
  ),
  ...EnvironmentInputSchema.shape
})
export type StoredProfile = z.infer<typeof StoredProfileSchema>

/**
 * An imported incident bundle's environment in environments.json: a name and a colour. Its data
 * is its cache file; it has no backend URL and no credential, and is read-only for good.
 */
export const StoredBundleProfileSchema = z.object({
  kind: z.literal('bundle'),
  id: StoredProfileSchema.shape.id,
  name: EnvironmentInputSchema.shape.name,
  color: EnvironmentColorSchema.default('purple')
})
export type StoredBundleProfile = z.infer<typeof StoredBundleProfileSchema>

/** A profile as environments.json holds it: the exported fields and its credential id (or a bundle's). */
export type SavedProfile = (StoredProfile & { credentialId?: string }) | StoredBundleProfile

/** environments.json. Entries are checked one by one so that one bad entry does not cost the others. */
export const EnvironmentsFileSchema = z.object({
  version: z.literal(1),
  activeId: z.string().default(LOCAL_ENVIRONMENT_ID),
  local: z
    .object({ color: EnvironmentColorSchema.default('grey'), readOnly: z.boolean().default(false) })
    .default({ color: 'grey', readOnly: false }),
  environments: z.array(z.unknown()).default([])
})
export type EnvironmentsFile = z.infer<typeof EnvironmentsFileSchema>

/** Id of the unsaved environment given by `--url` on the command line. */
export const AD_HOC_ENVIRONMENT_ID = 'adhoc'

/** The profile as exported: the view fields without kind, builtIn and credential id. */
export function toStored(profile: EnvironmentProfile): StoredProfile {
  const { id, name, baseUrl, authKind, color, isProduction, readOnly } = profile
  return { id, name, baseUrl, authKind, color, isProduction, readOnly }
}

/** The profile as environments.json holds it. */
export function toSaved(profile: EnvironmentProfile): SavedProfile {
  if (profile.kind === 'bundle')
    return { kind: 'bundle', id: profile.id, name: profile.name, color: profile.color }
  return profile.credentialId
    ? { ...toStored(profile), credentialId: profile.credentialId }
    : toStored(profile)
}

/** A saved or imported remote profile as an EnvironmentProfile with the given credential id. */
export function fromStored(stored: StoredProfile, credentialId: string): EnvironmentProfile {
  const { id, name, baseUrl, authKind, color, isProduction, readOnly } = stored
  return {
    id,
    name,
    baseUrl,
    authKind,
    color,
    isProduction,
    readOnly,
    kind: 'remote',
    builtIn: false,
    credentialId
  }
}

/** A saved bundle environment as an EnvironmentProfile: offline, read-only, no credential. */
export function fromStoredBundle(stored: StoredBundleProfile): EnvironmentProfile {
  return {
    id: stored.id,
    name: stored.name,
    baseUrl: '',
    kind: 'bundle',
    authKind: 'none',
    color: stored.color,
    isProduction: false,
    readOnly: true,
    builtIn: false,
    credentialId: ''
  }
}

/** Production shows red everywhere, whatever colour was chosen. */
export function effectiveColor(profile: EnvironmentProfile): EnvironmentColor {
  return profile.isProduction ? 'red' : profile.color
}

/** A short id from a name: lowercase slug, unique among `taken` ("staging", "staging-2"…). */
export function makeEnvironmentId(name: string, taken: ReadonlySet<string>): string {
  const slug =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'env'
  const base =
    slug === LOCAL_ENVIRONMENT_ID || slug === AD_HOC_ENVIRONMENT_ID ? `${slug}-env` : slug
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`
    if (!taken.has(candidate)) return candidate
  }
}

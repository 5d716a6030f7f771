import { z } from 'zod'
import { oneOfSchema } from '../../neurorail/common'
import { countsSchema } from '../counts'
import { defineEvent, defineMethod } from '../define'
import type { EventDefinition, MethodDefinition } from '../define'
import { ROLES } from '../../neurorail/rbac'

/**
 * environments domain of ConsoleApi: environment profiles, their credentials (only ever as
 * "has credential"), the keychain's availability and the active environment's connection state.
 */

/**
 * Environment ids are short slugs: they name cache files, so no paths. They do not name keychain
 * entries: those are bound to a random per-profile key, the data folder and the server's origin.
 */
export const EnvironmentIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a short id of lowercase letters, digits and dashes')
export type EnvironmentId = z.infer<typeof EnvironmentIdSchema>

/** The built-in embedded engine's environment id. It always exists and is the default. */
export const LOCAL_ENVIRONMENT_ID = 'local'

/**
 * `bundle`: an imported incident bundle, offline and read-only for good; its data is its cache
 * (no backend URL, no credential).
 */
export const ENVIRONMENT_KINDS = ['embedded', 'remote', 'bundle'] as const
export const EnvironmentKindSchema = z.enum(ENVIRONMENT_KINDS)
export type EnvironmentKind = z.infer<typeof EnvironmentKindSchema>

/** none; a static bearer token; BRAiN login (email + password → access/refresh JWTs). */
export const AUTH_KINDS = ['none', 'bearer', 'brain_login'] as const
export const AuthKindSchema = oneOfSchema('authKind', AUTH_KINDS)
export type AuthKind = z.infer<typeof AuthKindSchema>

export const ENVIRONMENT_COLORS = ['grey', 'blue', 'green', 'amber', 'red', 'purple'] as const
export const EnvironmentColorSchema = oneOfSchema('color', ENVIRONMENT_COLORS)
export type EnvironmentColor = z.infer<typeof EnvironmentColorSchema>

/** Where an environment's secret lives: the OS keychain, this session's memory only, or nowhere. */
export const CREDENTIAL_STORAGES = ['keychain', 'session', 'none'] as const
export const CredentialStorageSchema = z.enum(CREDENTIAL_STORAGES)
export type CredentialStorage = z.infer<typeof CredentialStorageSchema>

/** A backend base URL: http(s) only, no credentials in it, no query or fragment. */
export const BaseUrlSchema = z
  .string()
  .trim()
  .max(2048, 'baseUrl is too long')
  .refine((value) => {
    try {
      const url = new URL(value)
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.username === '' &&
        url.password === '' &&
        url.search === '' &&
        url.hash === ''
      )
    } catch {
      return false
    }
  }, 'Base URL must be an http(s) URL such as https://brain.example.com, without credentials, query or fragment')
  // One spelling per backend: no trailing slash, so paths join predictably.
  .transform((value) => value.replace(/\/+$/, ''))

/** What the user types to add an environment (always a remote one: the embedded one is built in). */
export const EnvironmentInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name must not be empty')
    .max(80, 'name must be at most 80 characters'),
  baseUrl: BaseUrlSchema,
  authKind: AuthKindSchema.default('none'),
  color: EnvironmentColorSchema.default('blue'),
  /** Production environments show red everywhere, whatever `color` says. */
  isProduction: z.boolean().default(false),
  /** Disables every write action (methods marked `write: true`). */
  readOnly: z.boolean().default(false)
})
export type EnvironmentInput = z.infer<typeof EnvironmentInputSchema>

/** Fields of an environment that `updateEnvironment` may change (all optional). */
export const EnvironmentChangesSchema = z
  .object({
    name: EnvironmentInputSchema.shape.name,
    baseUrl: BaseUrlSchema,
    authKind: AuthKindSchema,
    color: EnvironmentColorSchema,
    isProduction: z.boolean(),
    readOnly: z.boolean()
  })
  .partial()
export type EnvironmentChanges = z.infer<typeof EnvironmentChangesSchema>

/** One environment as the renderer sees it: never a secret, only whether one is set and where. */
export const EnvironmentViewSchema = z.object({
  id: EnvironmentIdSchema,
  name: z.string(),
  baseUrl: z.string(),
  kind: EnvironmentKindSchema,
  authKind: AuthKindSchema,
  /** Already 'red' when isProduction. */
  color: EnvironmentColorSchema,
  isProduction: z.boolean(),
  readOnly: z.boolean(),
  hasCredential: z.boolean(),
  credentialStorage: CredentialStorageSchema,
  builtIn: z.boolean()
})
export type EnvironmentView = z.infer<typeof EnvironmentViewSchema>

/**
 * The active environment's connection: `live` = SSE stream open, `polling` = no stream on this
 * backend (BRAiN) so the console polls, `offline` = backend unreachable (cache shown),
 * `auth_failed` = the backend refused the credential.
 */
export const CONNECTION_STATUSES = [
  'connecting',
  'live',
  'polling',
  'offline',
  'auth_failed'
] as const
export const ConnectionStatusSchema = z.enum(CONNECTION_STATUSES)
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>

/**
 * What the live feed made of the backend's event stream in this session, for the operator's
 * connection details: nothing it received is dropped without being counted here.
 * - `invalid`: frames it could not read (not JSON, wrong shape, over 1 MB);
 * - `truncated`: events shown with a part nested deeper than MAX_EVENT_DEPTH replaced by a marker;
 * - `duplicates`: replays of events already delivered from the same log, dropped;
 * - `resets`: times the backend said the resume point was not in its log (a new or restored log);
 * - `epoch`: the backend's event-log identity, when it names one.
 */
export const StreamHealthSchema = z.object({
  epoch: z.string().max(200).nullable(),
  ...countsSchema(['frames', 'invalid', 'truncated', 'duplicates', 'resets']).shape
})
export type StreamHealth = z.infer<typeof StreamHealthSchema>

export const ConnectionStateSchema = z.object({
  environmentId: EnvironmentIdSchema,
  status: ConnectionStatusSchema,
  /** When `status` last changed (UTC ISO). */
  since: z.string(),
  lastDataAt: z.string().nullable(),
  dataAgeMs: z.number().nonnegative().nullable(),
  /** A sentence for the operator (why offline, what to do), or null when all is well. */
  message: z.string().nullable(),
  /** From GET /capabilities; `engine: null` and no features = the BRAiN baseline. */
  capabilities: z.object({
    engine: z.string().nullable(),
    features: z.array(z.string())
  }),
  role: z.enum(ROLES).nullable(),
  /** The live feed's counts (absent until the feed opens). */
  stream: StreamHealthSchema.optional()
})
export type ConnectionState = z.infer<typeof ConnectionStateSchema>

/** A secret for one environment. Only ever travels renderer → main, never back. */
export const CredentialInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('token'),
    token: z.string().trim().min(1, 'token must not be empty').max(16_384, 'token is too long')
  }),
  z.object({
    kind: z.literal('brain_login'),
    email: z.string().trim().min(3, 'email must not be empty').max(320),
    password: z.string().min(1, 'password must not be empty').max(4096)
  })
])
export type CredentialInput = z.infer<typeof CredentialInputSchema>

export const CredentialStatusSchema = z.object({
  hasCredential: z.boolean(),
  storage: CredentialStorageSchema
})
export type CredentialStatus = z.infer<typeof CredentialStatusSchema>

/**
 * Why no OS keychain is used: the keychain library (keytar) is not installed or does not load,
 * no keychain service answers (on Linux: no Secret Service on the D-Bus session), the keychain is
 * turned off for this run, or it failed after answering (locked, daemon gone).
 */
export const KEYCHAIN_UNAVAILABLE_REASONS = [
  'library_missing',
  'no_service',
  'turned_off',
  'failed'
] as const
export const KeychainUnavailableReasonSchema = z.enum(KEYCHAIN_UNAVAILABLE_REASONS)
export type KeychainUnavailableReason = z.infer<typeof KeychainUnavailableReasonSchema>

export const KeychainStatusSchema = z.object({
  available: z.boolean(),
  /** Null when available. */
  reason: KeychainUnavailableReasonSchema.nullable(),
  /** Why the keychain is not available, what to install or start, and what that means meanwhile. */
  message: z.string().nullable()
})
export type KeychainStatus = z.infer<typeof KeychainStatusSchema>

export const EnvironmentListSchema = z.object({
  environments: z.array(EnvironmentViewSchema),
  activeId: EnvironmentIdSchema,
  /** Sentences about problems found on load (e.g. a broken file kept aside as .bak). */
  warnings: z.array(z.string())
})
export type EnvironmentList = z.infer<typeof EnvironmentListSchema>

/** The local engine's OTLP/HTTP trace endpoint, as an agent's exporter settings need it. */
export const OtlpEndpointSchema = z.object({
  /** false when no local engine runs in this launch. */
  available: z.boolean(),
  /** e.g. `http://127.0.0.1:41234/v1/traces` (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  url: z.string().nullable(),
  /** Whether an ingest token exists (its value is only given by `copyOtlpIngestToken`). */
  hasToken: z.boolean(),
  /** The header an exporter sends it in (OTEL_EXPORTER_OTLP_HEADERS=`Authorization=Bearer%20<token>`). */
  header: z.string()
})
export type OtlpEndpoint = z.infer<typeof OtlpEndpointSchema>

/** What `copyOtlpIngestToken` did: copied in main (desktop), or the token for the page to copy. */
export const OtlpTokenCopySchema = z.object({
  copied: z.boolean(),
  /** Present only in browser mode, where the page holds the user's clipboard. */
  token: z.string().optional()
})
export type OtlpTokenCopy = z.infer<typeof OtlpTokenCopySchema>

const IdInputSchema = z.object({ id: EnvironmentIdSchema })

export const environmentsMethods = {
  listEnvironments: defineMethod({
    output: EnvironmentListSchema,
    description:
      'All environment profiles (the built-in local engine first), the active one, and load warnings.'
  }),
  getConnectionState: defineMethod({
    output: ConnectionStateSchema,
    description: "The active environment's connection state."
  }),
  switchEnvironment: defineMethod({
    input: IdInputSchema,
    output: ConnectionStateSchema,
    description:
      "Makes an environment active: closes the old one's client, cache and stream, opens the new one's."
  }),
  addEnvironment: defineMethod({
    input: EnvironmentInputSchema,
    output: EnvironmentViewSchema,
    description: 'Adds a remote environment profile (stored without secrets).'
  }),
  updateEnvironment: defineMethod({
    input: z.object({ id: EnvironmentIdSchema, changes: EnvironmentChangesSchema }),
    output: EnvironmentViewSchema,
    description:
      'Changes fields of a profile. The built-in local engine accepts only color and readOnly.'
  }),
  removeEnvironment: defineMethod({
    input: IdInputSchema,
    output: z.object({ removedId: EnvironmentIdSchema, activeId: EnvironmentIdSchema }),
    description:
      'Removes a profile and its keychain entry and cache; the active one falls back to local.'
  }),
  duplicateEnvironment: defineMethod({
    input: IdInputSchema,
    output: EnvironmentViewSchema,
    description: 'Copies a profile under a new id and name ("… copy"), without its credential.'
  }),
  exportEnvironments: defineMethod({
    output: z.object({ json: z.string() }),
    description: 'All remote profiles as JSON, without any secret.'
  }),
  importEnvironments: defineMethod({
    input: z.object({ json: z.string().max(5_000_000, 'the file is too large (5 MB max)') }),
    output: z.object({
      added: z.number().int(),
      skipped: z.number().int(),
      errors: z.array(z.string())
    }),
    description:
      'Adds profiles from exported JSON; entries that clash with an existing id or name are skipped.'
  }),
  setCredential: defineMethod({
    input: z.object({ environmentId: EnvironmentIdSchema, credential: CredentialInputSchema }),
    output: CredentialStatusSchema,
    description: 'Stores a secret in the OS keychain (or for this session only when none answers).'
  }),
  clearCredential: defineMethod({
    input: z.object({ environmentId: EnvironmentIdSchema }),
    output: CredentialStatusSchema,
    description: "Forgets an environment's secret, in the keychain and in memory."
  }),
  getKeychainStatus: defineMethod({
    output: KeychainStatusSchema,
    description: 'Whether an OS keychain answers; if not, secrets are kept for this session only.'
  }),
  getOtlpEndpoint: defineMethod({
    output: OtlpEndpointSchema,
    description:
      'Where an OTel-instrumented agent sends its traces to the local engine (never the token itself).'
  }),
  copyOtlpIngestToken: defineMethod({
    output: OtlpTokenCopySchema,
    description:
      "Copies the local engine's OTLP ingest token: in the desktop app to the clipboard from the main process " +
      '(the token never reaches the page); in browser mode it is returned for the page to copy.'
  })
} satisfies Record<string, MethodDefinition>

export const environmentsEvents = {
  onConnectionState: defineEvent({
    payload: ConnectionStateSchema,
    description:
      "The active environment's connection state changed (or another environment became active)."
  }),
  onEnvironmentsChanged: defineEvent({
    payload: z.object({
      environments: z.array(EnvironmentViewSchema),
      activeId: EnvironmentIdSchema
    }),
    description: 'A profile was added, changed, removed, or its credential set or cleared.'
  })
} satisfies Record<string, EventDefinition>

import { z } from 'zod'
import { defineEvent, defineMethod, type EventDefinition, type MethodDefinition } from '../define'

/** Which transport carries ConsoleApi in this session (`cli`: a one-shot `controldeck` command). */
export const TransportSchema = z.enum(['electron', 'browser', 'cli'])
export type Transport = z.infer<typeof TransportSchema>

/** What the console knows about itself; shown in the About panel and status bar. */
export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  transport: TransportSchema,
  /** Node's `process.platform` of the main side (the renderer may run elsewhere in browser mode). */
  platform: z.string(),
  /** Where the console keeps its settings and cache on the main side's machine. */
  dataDir: z.string(),
  /** Base URL of the embedded engine when this launch started one; never its token. */
  localEngineUrl: z.string().nullable()
})
export type AppInfo = z.infer<typeof AppInfoSchema>

/**
 * A `controldeck://` link the operator opened (e.g. `controldeck://trace/m_123`), forwarded by the
 * main side. `path` is everything after the scheme, without leading slashes: `trace/m_123`.
 */
export const DeepLinkSchema = z.object({
  path: z.string().min(1).max(2048)
})
export type DeepLink = z.infer<typeof DeepLinkSchema>

const UpdateVersionSchema = z.string().min(1).max(64)

/**
 * Where the installed app's self-update stands (electron-updater behind the scenes). `disabled`:
 * development build, browser mode, or no feed configured (`reason` says which). `idle`: nothing
 * newer found (or not checked yet). `available`/`downloading`: a newer version is being fetched in
 * the background. `ready`: downloaded; the app only restarts into it when the operator says so.
 */
export const UpdateStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('disabled'), reason: z.string().max(500) }),
  z.object({ status: z.literal('idle'), lastCheckedAt: z.string().nullable() }),
  z.object({ status: z.literal('checking') }),
  z.object({ status: z.literal('available'), version: UpdateVersionSchema }),
  z.object({
    status: z.literal('downloading'),
    version: UpdateVersionSchema,
    percent: z.number().min(0).max(100)
  }),
  z.object({ status: z.literal('ready'), version: UpdateVersionSchema }),
  z.object({ status: z.literal('error'), message: z.string().max(500) })
])
export type UpdateState = z.infer<typeof UpdateStateSchema>

/** app domain of ConsoleApi: the console itself, independent of any backend. */
export const appMethods = {
  getAppInfo: defineMethod({
    description: 'Name, version, transport and data folder of this console.',
    output: AppInfoSchema
  }),
  takeLaunchDeepLink: defineMethod({
    description:
      'The controldeck:// link that launched the console, once (null afterwards or when there was none). Later links arrive as onDeepLink.',
    output: z.object({ link: DeepLinkSchema.nullable() })
  }),
  getUpdateState: defineMethod({
    description:
      'Where the self-update of the installed app stands (disabled with a reason outside an installed app).',
    output: UpdateStateSchema
  }),
  checkForUpdates: defineMethod({
    description:
      'Asks the update feed for a newer version now (also done at start and every few hours); resolves with the state once the check has started.',
    output: UpdateStateSchema
  }),
  installUpdate: defineMethod({
    // Not `write`: it changes no backend, so a read-only environment does not forbid it. It is
    // still only ever called from the operator's own click: the app never restarts by itself.
    description:
      "Restarts into the downloaded update (only when the state is ready); the operator's explicit action, never automatic.",
    output: z.object({ restarting: z.boolean() })
  })
} satisfies Record<string, MethodDefinition>

export const appEvents = {
  onDeepLink: defineEvent({
    description: 'A controldeck:// link was opened while the console runs (or launched it).',
    payload: DeepLinkSchema
  }),
  onUpdateState: defineEvent({
    description:
      'The self-update state changed (a check started, a version was found, downloaded, failed).',
    payload: UpdateStateSchema
  })
} satisfies Record<string, EventDefinition>

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

/** app domain of ConsoleApi: the console itself, independent of any backend. */
export const appMethods = {
  getAppInfo: defineMethod({
    description: 'Name, version, transport and data folder of this console.',
    input: z.object({}),
    output: AppInfoSchema
  }),
  takeLaunchDeepLink: defineMethod({
    description:
      'The controldeck:// link that launched the console, once (null afterwards or when there was none). Later links arrive as onDeepLink.',
    input: z.object({}),
    output: z.object({ link: DeepLinkSchema.nullable() })
  })
} satisfies Record<string, MethodDefinition>

export const appEvents = {
  onDeepLink: defineEvent({
    description: 'A controldeck:// link was opened while the console runs (or launched it).',
    payload: DeepLinkSchema
  })
} satisfies Record<string, EventDefinition>

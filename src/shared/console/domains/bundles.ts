import { z } from 'zod'
import { MissionIdSchema } from '../../neurorail/ids'
import { IncidentBundleSchema } from '../bundle/schema'
import { RedactionOptionsSchema, RemovedFieldSchema } from '../bundle/redact'
import { defineMethod, type EventDefinition, type MethodDefinition } from '../define'
import { EnvironmentViewSchema } from './environments'

/**
 * bundles domain of ConsoleApi: incident bundles. A bundle is prepared on the main side from the
 * active environment (secrets always removed, tags and details as the operator chose), crosses to
 * the renderer as data, and is saved there (browser mode: a download) or through a save dialog
 * (Electron). Imported, it becomes a read-only offline environment backed only by its cache.
 */

export const PreparedBundleSchema = z.object({
  bundle: IncidentBundleSchema,
  /** What the redaction removed (first rows; `counts` is complete): the preview before saving. */
  removed: z.array(RemovedFieldSchema),
  counts: z.object({ secret: z.number().int(), tag: z.number().int(), detail: z.number().int() }),
  /** Tag and detail keys present before redaction, for the operator to choose from. */
  keys: z.object({ tagKeys: z.array(z.string()), detailKeys: z.array(z.string()) }),
  fileName: z.string(),
  /** Size of the bundle as saved (JSON text, UTF-8). */
  bytes: z.number().int().nonnegative()
})
export type PreparedBundle = z.infer<typeof PreparedBundleSchema>

export const bundlesMethods = {
  prepareIncidentBundle: defineMethod({
    input: z.object({
      missionId: MissionIdSchema,
      redaction: RedactionOptionsSchema.default({ allTags: false, tagKeys: [], detailKeys: [] })
    }),
    output: PreparedBundleSchema,
    description:
      'An incident bundle of one mission of the active environment (trace, audit, transitions, metrics, decisions, violations, reflex actions), redacted, with the preview of what was removed.'
  }),
  saveIncidentBundle: defineMethod({
    input: z.object({ bundle: IncidentBundleSchema, fileName: z.string().min(1).max(200) }),
    output: z.object({ path: z.string().nullable() }),
    description:
      'Saves a bundle through a save dialog (Electron; null when cancelled). Browser mode answers not_supported: the page downloads it.'
  }),
  openIncidentBundleFile: defineMethod({
    output: z.object({ bundle: IncidentBundleSchema.nullable() }),
    description:
      'Reads a bundle file chosen in an open dialog (Electron; null when cancelled), bounded and validated. Browser mode answers not_supported: the page uploads it.'
  }),
  importIncidentBundle: defineMethod({
    input: z.object({ bundle: IncidentBundleSchema, activate: z.boolean().default(true) }),
    output: z.object({ environment: EnvironmentViewSchema }),
    description:
      'Adds a bundle as a read-only offline environment (its own cache, no backend) and, by default, switches to it.'
  })
} satisfies Record<string, MethodDefinition>

export const bundlesEvents = {} satisfies Record<string, EventDefinition>

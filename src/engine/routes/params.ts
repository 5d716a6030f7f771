import { z } from 'zod'

/**
 * Path parameter schemas shared by route files. Path segments are already URI-decoded strings;
 * these only name them, so a handler reads `params.job_id` typed, never `c.params.x as string`.
 */
export const IdParams = z.object({ id: z.string() })
export const JobIdParams = z.object({ job_id: z.string() })
export const MissionIdParams = z.object({ mission_id: z.string() })
export const EntityIdParams = z.object({ entity_id: z.string() })
/** `…/:entity_type/:id`: the route's handler checks the type against the kinds it serves. */
export const TypedIdParams = z.object({ entity_type: z.string(), id: z.string() })

/** A body schema that reads a missing body as `{}` (routes whose every field is optional). */
export function orEmpty<S extends z.ZodType>(schema: S): z.ZodType<z.output<S>> {
  return z.preprocess((v) => v ?? {}, schema) as unknown as z.ZodType<z.output<S>>
}

import { z } from 'zod'

/**
 * A closed set of string values whose refusal names the field and every allowed value
 * (`channel must be one of audit, lifecycle, …`): the sentence a client shows as is.
 */
export function oneOfSchema<const T extends readonly string[]>(field: string, values: T) {
  return z.enum(values, { error: `${field} must be one of ${values.join(', ')}` })
}

/**
 * A JSON object field such as `metadata`, `details`, `context`: absent or `null` becomes `{}`, so
 * consumers never branch on missing objects (the real backend omits or nulls them in places).
 */
export const JsonObjectSchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((value) => value ?? {})
export type JsonObject = z.output<typeof JsonObjectSchema>

/** String→string tags (mission `tags`); absent or null becomes `{}`. */
export const StringMapSchema = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {})

/** String→number counters (`events_by_category`, `resources_by_type`…); absent or null → `{}`. */
export const CountMapSchema = z
  .record(z.string(), z.number())
  .nullish()
  .transform((value) => value ?? {})

/** A string that may be absent or null on the wire; normalised to null. */
export const NullableStringSchema = z
  .string()
  .nullish()
  .transform((value) => value ?? null)

/** A number that may be absent or null on the wire; normalised to null. */
export const NullableNumberSchema = z
  .number()
  .nullish()
  .transform((value) => value ?? null)

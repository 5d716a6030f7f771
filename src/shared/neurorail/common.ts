import { z } from 'zod'

/**
 * A closed set of string values whose refusal names the field and every allowed value
 * (`channel must be one of audit, lifecycle, …`): the sentence a client shows as is.
 */
export function oneOfSchema<const T extends readonly string[]>(field: string, values: T) {
  return z.enum(values, { error: `${field} must be one of ${values.join(', ')}` })
}

/** `schema`, with absent or null on the wire read as null (the real backend sends both). */
export function orNull<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? null)
}

/**
 * `schema`, with absent or null on the wire read as `fallback()`: called for each parse, so no two
 * results share an object or array.
 */
export function orElse<T extends z.ZodType>(schema: T, fallback: () => z.output<T>) {
  return schema.nullish().transform((value) => value ?? fallback())
}

/**
 * A JSON object field such as `metadata`, `details`, `context`: absent or `null` becomes `{}`, so
 * consumers never branch on missing objects (the real backend omits or nulls them in places).
 */
export const JsonObjectSchema = orElse(z.record(z.string(), z.unknown()), () => ({}))
export type JsonObject = z.output<typeof JsonObjectSchema>

/** String→string tags (mission `tags`); absent or null becomes `{}`. */
export const StringMapSchema = orElse(z.record(z.string(), z.string()), () => ({}))

/** String→number counters (`events_by_category`, `resources_by_type`…); absent or null → `{}`. */
export const CountMapSchema = orElse(z.record(z.string(), z.number()), () => ({}))

/** A string that may be absent or null on the wire; normalised to null. */
export const NullableStringSchema = orNull(z.string())

/** A number that may be absent or null on the wire; normalised to null. */
export const NullableNumberSchema = orNull(z.number())

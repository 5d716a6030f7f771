import { z } from 'zod'

/** How many of something there are: a whole number, 0 or more. */
export const CountSchema = z.number().int().nonnegative()

/** An object of counts, one per name (`{rows per table}`, `{frames per outcome}`), all required. */
export function countsSchema<const K extends string>(names: readonly K[]) {
  const shape = Object.fromEntries(names.map((name) => [name, CountSchema]))
  return z.object(shape as Record<K, typeof CountSchema>)
}

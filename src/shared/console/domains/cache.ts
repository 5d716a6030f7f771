import { z } from 'zod'
import { CountSchema, countsSchema } from '../counts'
import { defineMethod, type EventDefinition, type MethodDefinition } from '../define'

/** Bounds of the local cache: rows older than `days` go, then the oldest until under `maxMb`. */
export const CacheRetentionSchema = z.object({
  days: z.number().int().min(1, 'days must be at least 1').max(3650, 'days must be at most 3650'),
  maxMb: z
    .number()
    .int()
    .min(16, 'maxMb must be at least 16')
    .max(100_000, 'maxMb must be at most 100000')
})
export type CacheRetention = z.infer<typeof CacheRetentionSchema>

/** Defaults of a new environment's cache. */
export const DEFAULT_CACHE_RETENTION: CacheRetention = { days: 30, maxMb: 1024 }

/** Row counts per kind of cached data. */
export const CacheRowCountsSchema = countsSchema([
  'entities',
  'transitions',
  'audit',
  'events',
  'decisions'
])
export type CacheRowCounts = z.infer<typeof CacheRowCountsSchema>

/** What the cache of the active environment holds and how big it is. */
export const CacheStatusSchema = z.object({
  environmentId: z.string(),
  path: z.string(),
  sizeBytes: CountSchema,
  rows: CacheRowCountsSchema,
  /** Time the oldest cached row was seen (UTC ISO), null when empty. */
  oldestAt: z.string().nullable(),
  retention: CacheRetentionSchema
})
export type CacheStatus = z.infer<typeof CacheStatusSchema>

/** cache domain of ConsoleApi: the per-environment local SQLite cache. */
export const cacheMethods = {
  getCacheStatus: defineMethod({
    description: "Size, row counts and retention of the active environment's local cache.",
    output: CacheStatusSchema
  }),
  setCacheRetention: defineMethod({
    description:
      "Sets the retention (days and MB) of the active environment's cache and applies it at once.",
    input: CacheRetentionSchema,
    output: CacheStatusSchema
  }),
  clearCache: defineMethod({
    description: 'Deletes everything cached for the active environment (the backend is untouched).',
    output: CacheStatusSchema
  })
} satisfies Record<string, MethodDefinition>

export const cacheEvents = {} satisfies Record<string, EventDefinition>

import { randomBytes } from 'node:crypto'
import { RecentIds } from './recent-ids'

/** How many non-numeric ids are remembered for dedup (numeric ids need only a watermark). */
const RECENT_IDS = 10_000
const NUMERIC_ID = /^\d{1,15}$/

/** Ids the client invents (see LiveEventSchema): `audit:<audit_id>` and `local:<launch>:<n>`. */
export function isClientId(id: string): boolean {
  return id.startsWith('audit:') || id.startsWith('local:')
}

/**
 * Dedup and ordering of stream events across reconnects. Our engine's ids are numeric and
 * monotonic, so a watermark suffices and also guarantees order: anything at or below the highest
 * id delivered is a replay (Last-Event-ID resumes from a durable log) and is dropped. Other string
 * ids are deduped against a bounded set. Frames without any id (the real BRAiN) get a local id
 * unique across launches, since the cache dedups on id.
 */
export class EventSequencer {
  private watermark: number | null = null
  private readonly recent = new RecentIds(RECENT_IDS)
  private readonly localPrefix = `local:${randomBytes(4).toString('hex')}:`
  private localCounter = 0
  private lastResumable: string | null = null

  constructor(lastEventId: string | null) {
    if (lastEventId !== null && !isClientId(lastEventId)) this.note(lastEventId)
  }

  /** The id to send as Last-Event-ID: the newest backend-issued id delivered (or given at start). */
  get lastEventId(): string | null {
    return this.lastResumable
  }

  private note(id: string): void {
    // Ids we made up (polled audit events, id-less frames) are never sent as Last-Event-ID.
    if (!isClientId(id)) this.lastResumable = id
    if (NUMERIC_ID.test(id)) this.watermark = Math.max(this.watermark ?? 0, Number(id))
    else this.recent.add(id)
  }

  /**
   * The id under which to deliver an event with backend id `id` (undefined: none sent), or null
   * when it was already delivered (or is older than what was delivered).
   */
  accept(id: string | undefined): string | null {
    if (id === undefined || id === '') return `${this.localPrefix}${++this.localCounter}`
    if (NUMERIC_ID.test(id)) {
      if (this.watermark !== null && Number(id) <= this.watermark) return null
    } else if (this.recent.has(id)) {
      return null
    }
    this.note(id)
    return id
  }
}

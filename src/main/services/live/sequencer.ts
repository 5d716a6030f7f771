import { randomBytes } from 'node:crypto'
import type { StreamOpen } from '../../../shared/neurorail/stream'
import { RecentIds } from './recent-ids'

/** How many ids are remembered for dedup. */
const RECENT_IDS = 10_000

/** Ids the client invents (see LiveEventSchema): `audit:<audit_id>` and `local:<launch>:<n>`. */
export function isClientId(id: string): boolean {
  return id.startsWith('audit:') || id.startsWith('local:')
}

/** Where a stream resumes: the last backend id delivered and the epoch of the log it belongs to. */
export interface ResumePoint {
  id: string
  /** Null when the backend names no epoch (BRAiN, plain SSE servers, older engines). */
  epoch: string | null
}

/**
 * Resume point and dedup of stream events across reconnects.
 *
 * The resume point is the id of the last frame delivered (what EventSource sends as
 * Last-Event-ID), never the largest id seen: ids are opaque and need not grow, and one bogus large
 * id must not stand for events that have not happened.
 *
 * Dedup only drops an id it can prove it delivered: one it remembers from this log. A backend that
 * names its log (our engine's `stream_open` frame) lets the memory carry over reconnects while the
 * epoch stays the same; a new epoch, or a `reset` (the resume point was not in that history), clears
 * it. Without an epoch nothing proves that the next connection continues the same log, so the
 * memory only spans one connection. Frames without any id get a local id unique across launches,
 * since the cache dedups on id.
 */
export class EventSequencer {
  private readonly recent = new RecentIds(RECENT_IDS)
  private readonly localPrefix = `local:${randomBytes(4).toString('hex')}:`
  private localCounter = 0
  private resumeId: string | null = null
  private epochValue: string | null = null

  constructor(resume: ResumePoint | null) {
    if (resume && !isClientId(resume.id)) {
      this.resumeId = resume.id
      this.epochValue = resume.epoch
    }
  }

  /** The id to send as Last-Event-ID: the last backend-issued id delivered (or given at start). */
  get lastEventId(): string | null {
    return this.resumeId
  }

  /** The epoch of the log `lastEventId` belongs to (sent as Last-Event-Epoch); null when unknown. */
  get epoch(): string | null {
    return this.epochValue
  }

  /** A new connection opens. */
  connecting(): void {
    if (this.epochValue === null) this.recent.clear()
  }

  /** The backend's opening frame: which log this stream is, and where in it the stream starts. */
  opened(open: StreamOpen): void {
    if (open.resume === 'reset' || open.epoch !== this.epochValue) this.recent.clear()
    if (open.resume === 'reset') this.resumeId = open.after
    // A resumed id of the log's parent epoch is valid in the new one (the shared history).
    this.epochValue = open.epoch
  }

  /**
   * A complete frame carried `id` on its own `id:` line: per the SSE specification that moves the
   * resume point, whatever the frame holds (garbage sent again would be garbage again). An empty
   * one clears it, as the specification's buffer: the next connection sends no Last-Event-ID.
   */
  passed(id: string): void {
    if (id === '') this.resumeId = null
    else if (!isClientId(id)) this.resumeId = id
  }

  /**
   * The id under which to deliver an event with backend id `id` (undefined: none sent), or null
   * when this log already delivered it.
   */
  accept(id: string | undefined): string | null {
    if (id === undefined || id === '') return `${this.localPrefix}${++this.localCounter}`
    if (this.recent.has(id)) return null
    this.recent.add(id)
    // Ids we made up (polled audit events) are never sent as Last-Event-ID.
    if (!isClientId(id)) this.resumeId = id
    return id
  }
}

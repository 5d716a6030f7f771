import type { LiveEvent } from '../../../shared/console/domains/live'
import type { AuditEvent, AuditQueryResponse } from '../../../shared/neurorail/audit'
import { isBackendError, oneLine } from '../client/backend-error'
import { backoffDelay, UNDER_CAP_JITTER, type BackoffOptions } from '../../../shared/backoff'
import { cutDeeperThan, MAX_FRAME_DEPTH } from './frame'
import { RecentIds } from './recent-ids'

/** Where the poller reads audit history: BackendClient.queryAudit fits. */
export interface AuditPollSource {
  queryAudit(body: { limit: number; offset: number }): Promise<AuditQueryResponse>
}

export type PollStatus = 'polling' | 'offline' | 'auth_failed'

export interface AuditPollerOptions {
  source: AuditPollSource
  intervalMs: number
  /** Delivers new audit events as stream events, oldest first. */
  onEvents(events: LiveEvent[]): void
  /** Health of polling: `polling` (message set when the backend answers with an error), `offline`, `auth_failed` (stops). */
  onStatus(status: PollStatus, message: string | null): void
  /** An `audit:<id>` delivered before (e.g. from the cache): the first poll pages back to it and no further. */
  resumeAfterId?: string | null
  pageSize?: number
  /** Pages one poll may read when far behind; bounds the work per poll. */
  maxPagesPerPoll?: number
  /** Backoff when the backend errors; BRAiN's audit 500 is not transient, so the ceiling is high. */
  backoff?: BackoffOptions
}

const RECENT_IDS = 5000

/** Stream event id of a polled audit event. */
export function auditEventId(auditId: string): string {
  return `audit:${auditId}`
}

/** An audit event as a stream event on channel `audit`, so consumers see one kind of event. */
export function auditToLiveEvent(event: AuditEvent): LiveEvent {
  return {
    id: auditEventId(event.audit_id),
    channel: 'audit',
    event_type: event.event_type,
    timestamp: Date.parse(event.timestamp) / 1000,
    data: { ...event }
  }
}

/** Failure classification: whom to blame and whether retrying can help. */
function classify(error: unknown): { status: PollStatus; message: string } {
  const status = isBackendError(error)
    ? error.status
    : typeof (error as { status?: unknown })?.status === 'number'
      ? (error as { status: number }).status
      : null
  const code = isBackendError(error) ? error.code : null
  const text = oneLine(error instanceof Error ? error.message : String(error), 200)
  if (code === 'unauthorized' || code === 'forbidden' || status === 401 || status === 403) {
    return {
      status: 'auth_failed',
      message: `The backend refused the credential for its audit history (${text})`
    }
  }
  if (
    code === 'backend_bug' ||
    (status !== null && status >= 500) ||
    /JSON object must be str/i.test(text)
  ) {
    return {
      status: 'polling',
      message: `The backend cannot return its audit history right now (${text})`
    }
  }
  if (code === 'network' || code === 'timeout' || status === null) {
    return { status: 'offline', message: `Cannot reach the backend (${text})` }
  }
  return { status: 'polling', message: `Polling the audit history failed (${text})` }
}

/**
 * The live feed for backends without a stream (the real BRAiN mounts none): polls
 * `POST /audit/query` (newest first), pages back until it meets what it already delivered, and
 * delivers the new events oldest first. One poll at a time; errors back off instead of hammering
 * (BRAiN's audit route answers 500 for good once a row has details).
 */
export class AuditPoller {
  private timer: ReturnType<typeof setTimeout> | null = null
  private running: Promise<void> | null = null
  private stopped = false
  private failures = 0
  /** Newest delivered timestamp and the ids delivered at exactly that timestamp. */
  private watermark: { ts: string; ids: Set<string> } | null = null
  private readonly recent = new RecentIds(RECENT_IDS)
  private resumeAfter: string | null
  /** Audit events kept with their too-deep parts of `details` replaced (see frame.ts). */
  truncated = 0

  constructor(private readonly options: AuditPollerOptions) {
    const resume = options.resumeAfterId
    this.resumeAfter = resume && resume.startsWith('audit:') ? resume.slice('audit:'.length) : null
  }

  start(): void {
    this.stopped = false
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.running = this.pollOnce().finally(() => {
        this.running = null
      })
    }, delayMs)
  }

  private known(event: AuditEvent): boolean {
    if (this.recent.has(event.audit_id)) return true
    const w = this.watermark
    return (
      w !== null &&
      (event.timestamp < w.ts || (event.timestamp === w.ts && w.ids.has(event.audit_id)))
    )
  }

  private remember(events: AuditEvent[]): void {
    for (const e of events) {
      this.recent.add(e.audit_id)
      if (this.watermark === null || e.timestamp > this.watermark.ts) {
        this.watermark = { ts: e.timestamp, ids: new Set([e.audit_id]) }
      } else if (e.timestamp === this.watermark.ts) {
        this.watermark.ids.add(e.audit_id)
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const pageSize = this.options.pageSize ?? 100
    const maxPages = this.options.maxPagesPerPoll ?? 10
    // With nothing to page back to, one page is the backlog: history before the console started
    // watching is what queryAudit is for, not the live feed.
    const pages = this.watermark === null && this.resumeAfter === null ? 1 : maxPages
    const fresh: AuditEvent[] = []
    try {
      let offset = 0
      for (let page = 0; page < pages; page++) {
        const response = await this.options.source.queryAudit({ limit: pageSize, offset })
        if (this.stopped) return
        let reachedKnown = false
        for (const event of response.events) {
          if (event.audit_id === this.resumeAfter) reachedKnown = true
          if (reachedKnown || this.known(event)) {
            reachedKnown = true
            continue
          }
          fresh.push(event)
        }
        if (
          reachedKnown ||
          response.events.length < pageSize ||
          offset + pageSize >= response.total
        )
          break
        offset += pageSize
      }
    } catch (error) {
      if (this.stopped) return
      const { status, message } = classify(error)
      this.failures++
      if (status === 'auth_failed') {
        this.options.onStatus(status, message)
        this.stopped = true
        return
      }
      const delay = backoffDelay(Math.min(this.failures - 1, 30), {
        ...(this.options.backoff ?? {
          baseDelayMs: this.options.intervalMs * 2,
          maxDelayMs: 300_000
        }),
        jitter: UNDER_CAP_JITTER
      })
      this.options.onStatus(status, `${message}; retrying in ${Math.ceil(delay / 1000)} s`)
      this.schedule(delay)
      return
    }
    if (this.failures > 0 || this.watermark === null) this.options.onStatus('polling', null)
    this.failures = 0
    this.resumeAfter = null
    // Newest first on the wire; deliver oldest first. Offset paging can repeat a row when new
    // events arrive between pages, hence the dedup by id.
    const unique = new Map<string, AuditEvent>()
    for (const event of fresh.reverse())
      if (!unique.has(event.audit_id)) unique.set(event.audit_id, event)
    const ordered = [...unique.values()].sort((a, b) =>
      a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0
    )
    if (ordered.length > 0) {
      this.remember(ordered)
      // `details` becomes level 3 of the live event ({data: {details}}).
      for (const e of ordered)
        if (cutDeeperThan(e.details, MAX_FRAME_DEPTH - 2) > 0) this.truncated++
      this.options.onEvents(ordered.map(auditToLiveEvent))
    } else if (this.watermark === null) {
      // Nothing at all yet: an empty watermark so later polls page normally.
      this.watermark = { ts: '', ids: new Set() }
    }
    this.schedule(this.options.intervalMs)
  }
}

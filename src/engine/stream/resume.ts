import type { StreamOpen } from '../../shared/neurorail/stream'
import type { Store } from '../store/store'

/** What a client presented when it (re)opened the stream. */
export interface ResumeRequest {
  /** Its Last-Event-ID (header or query) as sent; null when none. */
  lastEventId: string | null
  /** The epoch that id belongs to (`Last-Event-Epoch` header or `epoch` query); null when unknown. */
  epoch: string | null
}

/** Where the hub starts a subscriber, and the opening frame that tells the client so. */
export interface ResumePlan {
  /** Replay logged events with id > after, then go live; null: live from the end of the log. */
  after: number | null
  open: StreamOpen
}

const NUMERIC_ID = /^\d{1,15}$/

/**
 * The identity of the event log, kept in its database (`stream_log`, migration v3): an epoch drawn
 * when the log was created, plus the epoch it forked from and where. It decides how a client's
 * resume point maps onto this log:
 *
 * - same epoch, id within the log: resume right after it;
 * - same epoch, id beyond the log's end: this log was rolled back (restored from a backup) after
 *   the client saw later events. Ids after the fork point will be issued again for other events,
 *   so the log takes a new epoch (remembering the old one and the fork point) and the client
 *   resumes at the fork point, told to forget what it saw after it;
 * - the parent epoch, id at or before the fork point: the shared history, resume after it;
 * - any other epoch, or an id this engine never issues: none of this log can be known to the
 *   client, so it gets the whole log from its start (`reset`);
 * - no epoch (an older client or a plain EventSource): an id within the log resumes after it, an
 *   id beyond it is treated as foreign.
 *
 * A resume point never makes the engine skip events the client cannot have seen.
 */
export class StreamLogIdentity {
  private epochValue: string
  private parent: { epoch: string; forkAfter: number } | null = null

  constructor(private readonly store: Store) {
    const rows = store.db.prepare('SELECT key, value FROM stream_log').all() as { key: string; value: string }[]
    const meta = new Map(rows.map((r) => [r.key, r.value]))
    this.epochValue = meta.get('epoch') ?? ''
    const parentEpoch = meta.get('parent_epoch')
    const forkAfter = Number(meta.get('fork_after'))
    if (parentEpoch && Number.isSafeInteger(forkAfter)) this.parent = { epoch: parentEpoch, forkAfter }
  }

  /** This log's epoch (sent in GET /capabilities and in every stream's opening frame). */
  get epoch(): string {
    return this.epochValue
  }

  /** Decides where a subscriber starts; `lastId` is the log's highest id, `oldestId` its lowest. */
  plan(request: ResumeRequest, lastId: number, oldestId: () => number | null): ResumePlan {
    const end = String(lastId)
    const { lastEventId, epoch } = request
    if (lastEventId === null) return this.opening(null, 'live', end, null)
    const numeric = NUMERIC_ID.test(lastEventId) ? Number(lastEventId) : null
    if (epoch === this.epochValue && numeric !== null && numeric > lastId) {
      this.fork(lastId)
      return this.opening(lastId, 'reset', end, `Last-Event-ID ${numeric} is beyond this log (${lastId}): it was rolled back; new epoch ${this.epochValue}`)
    }
    const sameHistory =
      numeric !== null &&
      numeric <= lastId &&
      (epoch === null || epoch === this.epochValue || (this.parent !== null && epoch === this.parent.epoch && numeric <= this.parent.forkAfter))
    if (!sameHistory) {
      const why = epoch !== null && epoch !== this.epochValue ? `epoch ${epoch} is not this log's` : `Last-Event-ID ${lastEventId} is not from this log`
      return this.withGap(this.opening(0, 'reset', end, `${why}; replaying this log from its start`), 0, oldestId)
    }
    return this.withGap(this.opening(numeric, 'resumed', end, null), numeric, oldestId)
  }

  private opening(after: number | null, resume: StreamOpen['resume'], end: string, message: string | null): ResumePlan {
    return {
      after,
      open: { epoch: this.epochValue, resume, after: after === null ? null : String(after), last_id: end, gap: null, message }
    }
  }

  /** Says so when the log no longer reaches back to `after` (pruned or cleared). */
  private withGap(plan: ResumePlan, after: number, oldestId: () => number | null): ResumePlan {
    const oldest = oldestId()
    if (oldest !== null && oldest > after + 1) plan.open.gap = { from: String(after + 1), to: String(oldest - 1) }
    return plan
  }

  private fork(at: number): void {
    const next = (this.store.db.prepare('SELECT lower(hex(randomblob(8))) AS e').get() as { e: string }).e
    const upsert = this.store.db.prepare(
      'INSERT INTO stream_log (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'
    )
    this.store.transaction(() => {
      upsert.run('parent_epoch', this.epochValue)
      upsert.run('fork_after', String(at))
      upsert.run('epoch', next)
    })
    this.parent = { epoch: this.epochValue, forkAfter: at }
    this.epochValue = next
  }
}

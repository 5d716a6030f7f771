import type { StreamOpen } from '../../shared/neurorail/stream'
import type { Store } from '../store/store'
import { aggregateRow } from '../store/statements'

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
/** Earlier epochs remembered (forks are rare; each one costs a bogus or rolled-back client). */
const MAX_ANCESTORS = 64

/** An epoch this log forked from, and the last id it shares with it. */
interface Ancestor {
  epoch: string
  forkAfter: number
}

/**
 * The identity of the event log, kept in its database (`stream_log`, migration v3): an epoch drawn
 * when the log was created, plus the epochs it forked from and where. It decides how a client's
 * resume point maps onto this log:
 *
 * - same epoch, id within the log: resume right after it;
 * - same epoch, id beyond the log's end: this log was rolled back (restored from a backup) after
 *   the client saw later events. Ids after the fork point will be issued again for other events,
 *   so the log takes a new epoch (remembering the old one and the fork point) and the client
 *   resumes at the fork point, told to forget what it saw after it. The streams open at that
 *   moment are ended (`onFork`): their next events belong to the new epoch, so they reconnect and
 *   resume in it, inside the shared history, instead of labelling them with the old one (which
 *   would cost them a full replay at their next reconnect);
 * - which ids can prove a rollback: the end compared against is the committed end (event-log.ts),
 *   the most any client can have received. A log can only be rolled back while no engine has it
 *   open, so only the epoch this engine found when it opened the log can have lost ids; an epoch
 *   drawn by this engine has issued everything a client can have seen of it, and a claim beyond
 *   it is refuted without a fork. So a token, a viewer's included, forks a log at most once per
 *   start of the engine, not once per new event; an epoch forked at the log's end that has issued
 *   nothing since is not forked again either (see plan);
 * - an earlier epoch of this log, id at or before its fork point: the shared history, resume
 *   after it. Every earlier epoch is remembered (up to 64), so a client that merely claims to be
 *   ahead (anyone can send any id) forks the log without costing other clients their resume;
 * - any other epoch, or an id this engine never issues: none of this log can be known to the
 *   client, so it gets the whole log from its start (`reset`);
 * - no epoch (an older client or a plain EventSource): an id within the log resumes after it, an
 *   id beyond it is treated as foreign.
 *
 * A resume point never makes the engine skip events the client cannot have seen.
 */
export class StreamLogIdentity {
  private epochValue: string
  /** The epoch the log had when this engine opened it: the only one a rollback can have hit. */
  private readonly openedEpoch: string
  private ancestors: Ancestor[] = []

  /** `onFork` runs after the log took a new epoch (the event log ends the open streams). */
  constructor(
    private readonly store: Store,
    private readonly onFork: () => void = () => {}
  ) {
    const rows = store.db
      .prepare<unknown[], { key: string; value: string }>('SELECT key, value FROM stream_log')
      .all()
    const meta = new Map(rows.map((r) => [r.key, r.value]))
    this.epochValue = meta.get('epoch') ?? ''
    this.openedEpoch = this.epochValue
    try {
      const list = JSON.parse(meta.get('ancestors') ?? '[]') as unknown
      if (Array.isArray(list)) {
        this.ancestors = list.filter(
          (a): a is Ancestor => typeof a?.epoch === 'string' && Number.isSafeInteger(a?.forkAfter)
        )
      }
    } catch {
      // A damaged list only costs clients of old epochs a full replay.
    }
  }

  /** This log's epoch (sent in GET /capabilities and in every stream's opening frame). */
  get epoch(): string {
    return this.epochValue
  }

  /**
   * Decides where a subscriber starts; `lastId` is the log's highest committed id, `oldestId` its
   * lowest.
   */
  plan(request: ResumeRequest, lastId: number, oldestId: () => number | null): ResumePlan {
    const end = String(lastId)
    const { lastEventId, epoch } = request
    if (lastEventId === null) return this.opening(null, 'live', end, null)
    const numeric = NUMERIC_ID.test(lastEventId) ? Number(lastEventId) : null
    if (epoch === this.epochValue && numeric !== null && numeric > lastId) {
      // Claims that cannot be a rollback are refuted, not forked: forking on them would let any
      // token fork without end (a durable write per request, every open stream ended) and push
      // real clients' epochs off the list. An epoch drawn by this engine has issued every id of
      // it a client can have seen; an epoch forked at `lastId` has issued nothing past it.
      const refuted =
        this.epochValue !== this.openedEpoch
          ? 'epoch began in this run of the engine, which has issued every id of it'
          : this.ancestors.at(-1)?.forkAfter === lastId
            ? 'epoch has issued no id past it'
            : null
      if (refuted !== null) {
        return this.opening(
          lastId,
          'reset',
          end,
          `Last-Event-ID ${numeric} is beyond this log (${lastId}), and its ${refuted} (epoch ${this.epochValue})`
        )
      }
      this.fork(lastId)
      return this.opening(
        lastId,
        'reset',
        end,
        `Last-Event-ID ${numeric} is beyond this log (${lastId}): it was rolled back; new epoch ${this.epochValue}`
      )
    }
    const sameHistory =
      numeric !== null &&
      numeric <= lastId &&
      (epoch === null ||
        epoch === this.epochValue ||
        this.ancestors.some((a) => a.epoch === epoch && numeric <= a.forkAfter))
    if (!sameHistory) {
      const why =
        epoch !== null && epoch !== this.epochValue
          ? `epoch ${epoch} is not this log's`
          : `Last-Event-ID ${lastEventId} is not from this log`
      return this.withGap(
        this.opening(0, 'reset', end, `${why}; replaying this log from its start`),
        0,
        oldestId
      )
    }
    return this.withGap(this.opening(numeric, 'resumed', end, null), numeric, oldestId)
  }

  private opening(
    after: number | null,
    resume: StreamOpen['resume'],
    end: string,
    message: string | null
  ): ResumePlan {
    return {
      after,
      open: {
        epoch: this.epochValue,
        resume,
        after: after === null ? null : String(after),
        last_id: end,
        gap: null,
        message
      }
    }
  }

  /** Says so when the log no longer reaches back to `after` (pruned or cleared). */
  private withGap(plan: ResumePlan, after: number, oldestId: () => number | null): ResumePlan {
    const oldest = oldestId()
    if (oldest !== null && oldest > after + 1)
      plan.open.gap = { from: String(after + 1), to: String(oldest - 1) }
    return plan
  }

  private fork(at: number): void {
    const next = aggregateRow(
      this.store.prepare<[], { e: string }>('SELECT lower(hex(randomblob(8))) AS e')
    ).e
    const upsert = this.store.db.prepare(
      'INSERT INTO stream_log (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'
    )
    const ancestors = [...this.ancestors, { epoch: this.epochValue, forkAfter: at }].slice(
      -MAX_ANCESTORS
    )
    this.store.transaction(() => {
      upsert.run('ancestors', JSON.stringify(ancestors))
      upsert.run('epoch', next)
    })
    this.ancestors = ancestors
    this.epochValue = next
    this.onFork()
  }
}

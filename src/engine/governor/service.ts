import type {
  Decision,
  DecideRequest,
  GovernorInfo,
  GovernorMode,
  Page
} from '../../shared/neurorail'
import type { AuditService } from '../audit/service'
import { timestampId } from '../identity/ids'
import { seqBefore, seqPage } from '../store/cursor'
import { Sequence } from '../store/sequence'
import type { Store } from '../store/store'
import type { EventLog } from '../stream/event-log'
import { firstMatch, GOVERNOR_RULES } from './rules'

/**
 * A replacement for the built-in rules (governance manifests). `decide` runs inside the
 * decision's transaction and answers the deciding rule, or null to let the built-in rules decide;
 * `info` adjusts GET /governor/info.
 */
export interface GovernorPolicy {
  decide(
    req: DecideRequest,
    decisionId: string
  ): { id: string; mode: GovernorMode; reason: string } | null
  info(base: GovernorInfo): GovernorInfo
}

/** Engine version reported by the governor and capabilities. */
export const GOVERNOR_VERSION = '0.1.0 (ControlDeck engine)'

/**
 * The governor (API §3): the four built-in first-match rules, every decision stored, audited and
 * published on the `governor` channel in one transaction; decisions are listable (extension).
 * Like the real backend it decides but does not enforce.
 */
export class GovernorService {
  private readonly seq: Sequence
  private readonly byMode = { direct: 0, rail: 0 }
  private policy: GovernorPolicy | null = null

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly events: EventLog
  ) {
    this.seq = new Sequence(store.db, 'governor_decisions', 'seq')
  }

  /** Decisions made since start, by mode (for /metrics). */
  get decisionsByMode(): Readonly<Record<'direct' | 'rail', number>> {
    return this.byMode
  }

  /** POST /governor/decide. */
  decide(req: DecideRequest): Decision {
    return this.store.transaction(() => {
      const nowMs = Date.now()
      const seq = this.seq.take()
      const decisionId = timestampId('dec', nowMs, seq)
      const rule = this.policy?.decide(req, decisionId) ?? firstMatch(req)
      const decision: Decision = {
        decision_id: decisionId,
        timestamp: new Date(nowMs).toISOString(),
        mode: rule.mode,
        reason: rule.reason,
        mission_id: req.mission_id,
        job_id: req.job_id,
        job_type: req.job_type,
        matched_rules: [rule.id],
        evidence: req.context,
        shadow_mode: false
      }
      this.store
        .prepare(
          'INSERT INTO governor_decisions (seq, decision_id, timestamp, ts_ms, body) VALUES (?, ?, ?, ?, ?)'
        )
        .run(seq, decision.decision_id, decision.timestamp, nowMs, JSON.stringify(decision))
      this.audit.write(
        {
          mission_id: req.mission_id,
          plan_id: null,
          job_id: req.job_id,
          attempt_id: null,
          resource_uuid: null,
          event_type: 'governor_decision',
          event_category: 'governance',
          severity: 'info',
          message: `Governor chose ${rule.mode} for ${req.job_type} (${rule.id})`,
          details: {
            decision_id: decision.decision_id,
            mode: rule.mode,
            matched_rules: [rule.id],
            context: req.context
          },
          caused_by_agent: null,
          caused_by_event: decision.decision_id
        },
        nowMs
      )
      this.events.publish('governor', 'mode_decided', decision)
      this.store.afterCommit(() => {
        this.byMode[rule.mode]++
      })
      return decision
    })
  }

  /**
   * Replaces the built-in rules (governance installs its manifest policy here); null restores
   * them.
   */
  setPolicy(policy: GovernorPolicy | null): void {
    this.policy = policy
  }

  /** GET /governor/info (`rule_count` 4, enforcement off, as on the real backend). */
  info(): GovernorInfo {
    const base = this.builtinInfo()
    return this.policy ? this.policy.info(base) : base
  }

  private builtinInfo(): GovernorInfo {
    return {
      name: 'NeuroRail Governor (ControlDeck engine)',
      version: GOVERNOR_VERSION,
      phase: '1',
      enforcement_enabled: false,
      active_manifest: {
        name: 'default_phase1',
        version: '1.0',
        description:
          'Built-in first-match rules: llm_call, personal data and production are governed (rail); ' +
          'everything else is direct.',
        rule_count: GOVERNOR_RULES.length
      },
      shadow_manifest: { enabled: false, version: null }
    }
  }

  /** GET /governor/decisions: newest first, keyset-paged. */
  list(cursor: string | undefined, limit: number): Page<Decision> {
    const rows = this.store
      .prepare<unknown[], { seq: number; body: string }>(
        'SELECT seq, body FROM governor_decisions WHERE seq < ? ORDER BY seq DESC LIMIT ?'
      )
      .all(seqBefore(cursor), limit + 1)
    return seqPage(rows, limit, (r) => JSON.parse(r.body) as Decision)
  }
}

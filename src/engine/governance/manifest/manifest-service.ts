import { type Page } from '../../../shared/neurorail'
import { nrError } from '../../errors'
import { toValidationIssues } from '../../validation-issues'
import { readSeqPage } from '../../store/cursor'
import { parseJsonColumn } from '../../store/json'
import type { GovRuntime } from '../runtime'
import {
  disagreement,
  evaluateManifest,
  type EvaluationInput,
  type ManifestVerdict
} from './evaluate'
import { BUILTIN_MANIFEST, findConflicts, ManifestSchema, type Manifest } from './schema'
import { aggregateRow } from '../../store/statements'

/** The two manifest slots. */
export type ManifestSlot = 'active' | 'shadow'
export const MANIFEST_SLOTS: readonly ManifestSlot[] = ['active', 'shadow']

/** An installed manifest with its installation facts. */
export interface InstalledManifest {
  manifest: Manifest
  installed_at: string
  installed_by: string | null
}

/** GET /governor/manifests. */
export interface ManifestsView {
  /** null: no manifest installed, the built-in rules decide. */
  active: InstalledManifest | null
  shadow: InstalledManifest | null
  /** The four built-in rules as a manifest (what decides while `active` is null). */
  builtin: Manifest
  /** Recent installs and clears, newest first. */
  history: Array<{
    slot: ManifestSlot
    name: string | null
    version: string | null
    installed_at: string
    installed_by: string | null
  }>
  disagreement_count: number
  active_version: string | null
  shadow_version: string | null
  /**
   * Flat rows for list views: the installed manifests, plus the built-in rules while no active
   * manifest replaces them, each flagged `active`/`shadow`.
   */
  manifests: Array<
    Manifest & {
      slot: ManifestSlot | 'builtin'
      active: boolean
      shadow: boolean
      rule_count: number
      installed_at: string | null
    }
  >
}

/** One recorded active/shadow disagreement. */
export interface ShadowDisagreement {
  id: number
  timestamp: string
  /** What was evaluated: a governor decision or a job's budget resolution. */
  source: 'decide' | 'job'
  decision_id: string | null
  job_id: string | null
  job_type: string
  /** What differed. */
  fields: Array<'mode' | 'budget'>
  active: ManifestVerdict
  shadow: ManifestVerdict
  context: Record<string, unknown>
}

/** The verdict pair of one evaluation. */
export interface Evaluation {
  /** The deciding verdict: the active manifest's, or the built-in rules' when none is installed. */
  verdict: ManifestVerdict
  /** True when an installed manifest decided (false = built-in rules). */
  fromManifest: boolean
  shadow: ManifestVerdict | null
}

interface ManifestRow {
  seq: number
  slot: ManifestSlot
  name: string | null
  version: string | null
  body: string | null
  timestamp: string
  installed_by: string | null
}

/**
 * Governor manifests: a versioned JSON manifest in the `active` slot replaces the four built-in
 * rules; one in the `shadow` slot is evaluated beside it on every decision and job, and each
 * disagreement (mode or budget) is stored. Installs are append-only rows, so the history of what
 * governed when is kept.
 */
export class ManifestService {
  private current: Record<ManifestSlot, InstalledManifest | null> = { active: null, shadow: null }

  constructor(private readonly rt: GovRuntime) {
    for (const slot of MANIFEST_SLOTS) {
      const row = rt.s.store
        .prepare<unknown[], ManifestRow>(
          'SELECT * FROM gov_manifests WHERE slot = ? ORDER BY seq DESC LIMIT 1'
        )
        .get(slot)
      if (row?.body) {
        const parsed = ManifestSchema.safeParse(parseJsonColumn(row.body, null))
        // A row that no longer parses (schema tightened since) is skipped: fall back to built-ins
        // rather than refuse to start.
        if (parsed.success)
          this.current[slot] = {
            manifest: parsed.data,
            installed_at: row.timestamp,
            installed_by: row.installed_by
          }
      }
    }
  }

  /** The manifest in `slot`, or null. */
  get(slot: ManifestSlot): InstalledManifest | null {
    return this.current[slot]
  }

  /**
   * Validates and installs `body` in `slot`. Errors: 422 NR-E111 (schema, with FastAPI-style
   * `issues`), 409 NR-E114 (duplicate rule ids or priorities), 409 NR-E113 (name and version
   * already used for different content). Re-installing identical content is allowed (PUT is
   * idempotent), which is also how a manifest moves between slots.
   */
  install(slot: ManifestSlot, body: unknown, actor: string | null): InstalledManifest {
    const parsed = ManifestSchema.safeParse(body)
    if (!parsed.success) {
      throw nrError('NR-E111', 'The manifest failed schema validation', {
        issues: toValidationIssues(parsed.error, 'body', body)
      })
    }
    const manifest = parsed.data
    const conflicts = findConflicts(manifest)
    if (conflicts.length > 0) {
      throw nrError('NR-E114', 'Manifest rules conflict', { conflicts })
    }
    const text = JSON.stringify(manifest)
    const same = this.rt.s.store
      .prepare<unknown[], { body: string }>(
        'SELECT body FROM gov_manifests WHERE name = ? AND version = ? AND body IS NOT NULL ORDER BY seq DESC LIMIT 1'
      )
      .get(manifest.name, manifest.version)
    if (same && same.body !== text) {
      throw nrError(
        'NR-E113',
        `Manifest ${manifest.name}@${manifest.version} already exists with different content; bump the version`,
        {
          name: manifest.name,
          version: manifest.version
        }
      )
    }
    return this.write(slot, manifest, text, actor)
  }

  /**
   * Copies the shadow manifest into the active slot. 409 NR-E134 when there is no shadow,
   * 409 NR-E133 when the same name and version is already active.
   */
  promote(actor: string | null): InstalledManifest {
    const shadow = this.current.shadow
    if (!shadow) throw nrError('NR-E134', 'No shadow manifest to promote')
    const active = this.current.active
    if (
      active &&
      active.manifest.name === shadow.manifest.name &&
      active.manifest.version === shadow.manifest.version
    ) {
      throw nrError(
        'NR-E133',
        `${active.manifest.name}@${active.manifest.version} is already active`
      )
    }
    return this.write('active', shadow.manifest, JSON.stringify(shadow.manifest), actor)
  }

  /** Empties `slot` (active → the built-in rules decide again). */
  clear(slot: ManifestSlot, actor: string | null): void {
    const now = this.rt.clock.now()
    const ts = new Date(now).toISOString()
    this.rt.s.store.transaction(() => {
      this.rt.s.store
        .prepare(
          'INSERT INTO gov_manifests (slot, name, version, body, timestamp, ts_ms, installed_by) VALUES (?, NULL, NULL, NULL, ?, ?, ?)'
        )
        .run(slot, ts, now, actor)
      this.audit(`Cleared the ${slot} manifest`, { slot }, actor)
      this.rt.s.events.publish('governor', 'manifest_cleared', { slot, timestamp: ts })
      this.rt.s.store.afterCommit(() => {
        this.current[slot] = null
      })
    })
  }

  private write(
    slot: ManifestSlot,
    manifest: Manifest,
    text: string,
    actor: string | null
  ): InstalledManifest {
    const now = this.rt.clock.now()
    const installed: InstalledManifest = {
      manifest,
      installed_at: new Date(now).toISOString(),
      installed_by: actor
    }
    this.rt.s.store.transaction(() => {
      this.rt.s.store
        .prepare(
          'INSERT INTO gov_manifests (slot, name, version, body, timestamp, ts_ms, installed_by) VALUES (?, ?, ?, ?, ?, ?, ?)'
        )
        .run(slot, manifest.name, manifest.version, text, installed.installed_at, now, actor)
      this.audit(
        `Installed manifest ${manifest.name}@${manifest.version} as ${slot}`,
        { slot, name: manifest.name, version: manifest.version, rule_count: manifest.rules.length },
        actor
      )
      this.rt.s.events.publish('governor', 'manifest_installed', {
        slot,
        name: manifest.name,
        version: manifest.version,
        rule_count: manifest.rules.length,
        timestamp: installed.installed_at
      })
      this.rt.s.store.afterCommit(() => {
        this.current[slot] = installed
      })
    })
    return installed
  }

  private audit(message: string, details: Record<string, unknown>, actor: string | null): void {
    this.rt.s.audit.write(
      {
        mission_id: null,
        plan_id: null,
        job_id: null,
        attempt_id: null,
        resource_uuid: null,
        event_type: 'manifest_changed',
        event_category: 'governance',
        severity: 'info',
        message,
        details,
        caused_by_agent: actor,
        caused_by_event: null
      },
      this.rt.clock.now()
    )
  }

  /**
   * Evaluates the active manifest (or the built-in rules) and, when installed, the shadow one;
   * stores a disagreement row when they differ. Joins the caller's transaction. A shadow that
   * throws is recorded as NR-E130 in the audit log and never affects the real verdict.
   */
  evaluate(
    input: EvaluationInput,
    source: 'decide' | 'job',
    ids: { decision_id?: string; job_id?: string }
  ): Evaluation {
    const active = this.current.active
    const verdict = evaluateManifest(active?.manifest ?? BUILTIN_MANIFEST, input)
    const shadowManifest = this.current.shadow?.manifest
    let shadow: ManifestVerdict | null = null
    if (shadowManifest) {
      try {
        shadow = evaluateManifest(shadowManifest, input)
      } catch (err) {
        this.rt.s.audit.write({
          mission_id: null,
          plan_id: null,
          job_id: ids.job_id ?? null,
          attempt_id: null,
          resource_uuid: null,
          event_type: 'shadow_evaluation_failed',
          event_category: 'governance',
          severity: 'warning',
          message: `NR-E130: shadow manifest ${shadowManifest.name}@${shadowManifest.version} failed to evaluate`,
          details: { code: 'NR-E130', error: err instanceof Error ? err.message : String(err) },
          caused_by_agent: null,
          caused_by_event: ids.decision_id ?? null
        })
      }
      if (shadow) {
        const fields = disagreement(verdict, shadow)
        if (fields.length > 0) this.recordDisagreement(source, ids, input, fields, verdict, shadow)
      }
    }
    return { verdict, fromManifest: active !== null, shadow }
  }

  private recordDisagreement(
    source: 'decide' | 'job',
    ids: { decision_id?: string; job_id?: string },
    input: EvaluationInput,
    fields: Array<'mode' | 'budget'>,
    active: ManifestVerdict,
    shadow: ManifestVerdict
  ): void {
    const now = this.rt.clock.now()
    const ts = new Date(now).toISOString()
    const res = this.rt.s.store
      .prepare(
        `INSERT INTO gov_shadow_disagreements (timestamp, ts_ms, source, decision_id, job_id, job_type, fields, active, shadow, context)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        ts,
        now,
        source,
        ids.decision_id ?? null,
        ids.job_id ?? null,
        input.job_type,
        JSON.stringify(fields),
        JSON.stringify(active),
        JSON.stringify(shadow),
        JSON.stringify(input.context)
      )
    this.rt.s.events.publish('governor', 'shadow_disagreement', {
      id: Number(res.lastInsertRowid),
      source,
      decision_id: ids.decision_id ?? null,
      job_id: ids.job_id ?? null,
      job_type: input.job_type,
      fields,
      active_mode: active.mode,
      shadow_mode: shadow.mode,
      active_rule: active.rule_id,
      shadow_rule: shadow.rule_id
    })
  }

  /** GET /governor/shadow/disagreements: newest first, keyset-paged. */
  disagreements(cursor: string | undefined, limit: number): Page<ShadowDisagreement> {
    return readSeqPage(this.rt.s.store, 'gov_shadow_disagreements', cursor, limit, (r) => ({
      id: r.seq,
      timestamp: r.timestamp as string,
      source: r.source as 'decide' | 'job',
      decision_id: (r.decision_id as string | null) ?? null,
      job_id: (r.job_id as string | null) ?? null,
      job_type: r.job_type as string,
      fields: parseJsonColumn(r.fields as string, []),
      active: parseJsonColumn(r.active as string, {} as ManifestVerdict),
      shadow: parseJsonColumn(r.shadow as string, {} as ManifestVerdict),
      context: parseJsonColumn(r.context as string, {})
    }))
  }

  /** GET /governor/manifests. */
  view(): ManifestsView {
    const history = this.rt.s.store
      .prepare<
        unknown[],
        {
          slot: ManifestSlot
          name: string | null
          version: string | null
          timestamp: string
          installed_by: string | null
        }
      >(
        'SELECT slot, name, version, timestamp, installed_by FROM gov_manifests ORDER BY seq DESC LIMIT 20'
      )
      .all()
      .map((r) => ({
        slot: r.slot,
        name: r.name,
        version: r.version,
        installed_at: r.timestamp,
        installed_by: r.installed_by
      }))
    const n = aggregateRow(
      this.rt.s.store.prepare<[], { n: number }>(
        'SELECT COUNT(*) AS n FROM gov_shadow_disagreements'
      )
    ).n
    const { active, shadow } = this.current
    const rows: ManifestsView['manifests'] = []
    if (active)
      rows.push({
        ...active.manifest,
        slot: 'active',
        active: true,
        shadow: false,
        rule_count: active.manifest.rules.length,
        installed_at: active.installed_at
      })
    else
      rows.push({
        ...BUILTIN_MANIFEST,
        slot: 'builtin',
        active: true,
        shadow: false,
        rule_count: BUILTIN_MANIFEST.rules.length,
        installed_at: null
      })
    if (shadow)
      rows.push({
        ...shadow.manifest,
        slot: 'shadow',
        active: false,
        shadow: true,
        rule_count: shadow.manifest.rules.length,
        installed_at: shadow.installed_at
      })
    return {
      active,
      shadow,
      builtin: BUILTIN_MANIFEST,
      history,
      disagreement_count: n,
      active_version: active?.manifest.version ?? null,
      shadow_version: shadow?.manifest.version ?? null,
      manifests: rows
    }
  }
}

import type { EngineServices } from '../services'
import { BudgetService } from './budget/budget-service'
import { GiveUps } from './budget/give-up'
import { systemClock, type Clock } from './clock'
import { Enforcer } from './enforcer'
import { ManifestService } from './manifest/manifest-service'
import { governanceMetrics } from './metrics'
import { ReflexService, type ReflexOptions } from './reflex/reflex-service'
import { createRuntime, type GovRuntime } from './runtime'
import { SignalService, type SignalOptions } from './signals/signal-service'

/** Feature names governance lists in GET /capabilities (also in the shared ENGINE_FEATURES). */
export const GOVERNANCE_FEATURES = ['budgets', 'budget_enforcement', 'reflex', 'governor_manifests', 'shadow_manifest', 'signals', 'job_give_up'] as const

/** Options of {@link createGovernance}. */
export interface GovernanceOptions {
  clock: Clock
  reflex: Partial<ReflexOptions>
  signals: Partial<SignalOptions>
  /** Where internal failures are logged (default: JSON line on stderr). */
  log: (entry: object) => void
}

/** The governance parts of one engine. */
export interface Governance {
  rt: GovRuntime
  manifests: ManifestService
  budgets: BudgetService
  giveUps: GiveUps
  reflex: ReflexService
  signals: SignalService
  enforcer: Enforcer
  /** Stops every timer (deadlines, cooldowns). The engine's store may be closed after this. */
  close(): void
}

const byServices = new WeakMap<EngineServices, Governance>()

/** The governance attached to an engine's services, or null before `createGovernance`. */
export function governanceOf(services: EngineServices): Governance | null {
  return byServices.get(services) ?? null
}

/**
 * Attaches governance to an engine: hooks into job creation (budget validation), every lifecycle
 * transition (guard + follow-up), telemetry reports (cost enforcement) and the governor (manifest
 * policy), restores breakers, cooldowns and attempt deadlines from the store, and lists its
 * features in /capabilities. Idempotent per services object.
 */
export function createGovernance(s: EngineServices, options: Partial<GovernanceOptions> = {}): Governance {
  const existing = byServices.get(s)
  if (existing) return existing
  const log = options.log ?? ((entry: object) => process.stderr.write(JSON.stringify(entry) + '\n'))
  const rt = createRuntime(s, options.clock ?? systemClock, log)
  const manifests = new ManifestService(rt)
  const budgets = new BudgetService(rt, manifests)
  const reflex = new ReflexService(rt, options.reflex)
  const signals = new SignalService(rt, options.signals)
  const giveUps = new GiveUps(rt)
  const enforcer = new Enforcer(rt, budgets, reflex, signals, giveUps)
  s.lifecycle.extendStats((stats) => {
    stats.jobs_given_up = giveUps.countsByState()
  })

  s.identity.addJobCreatedHook((job, missionId) => {
    budgets.validateMetadataBudget(job.metadata)
    budgets.ensure({ job_id: job.job_id, job_type: job.job_type, plan_id: job.plan_id, mission_id: missionId, metadata: job.metadata })
  })
  s.lifecycle.addGuard((ctx) => enforcer.guard(ctx))
  s.lifecycle.onTransition((e, chain) => enforcer.onTransition(e, chain.job_id))
  s.telemetry.onReport((req) => enforcer.onReport(req))
  budgets.onViolation((_v, scope) => rt.run('violation trigger', () => reflex.recordViolation(scope.job)))
  reflex.cancelJob = (jobId, reason, actor) => {
    s.lifecycle.transition('job', jobId, 'cancel', { reason, cancelled_by: 'reflex' }, actor)
  }
  s.governor.setPolicy({
    decide(req, decisionId) {
      const ev = manifests.evaluate({ job_type: req.job_type, context: req.context }, 'decide', {
        decision_id: decisionId,
        ...(req.job_id ? { job_id: req.job_id } : {})
      })
      // Without an installed manifest the engine's own built-in rules decide (same outcome,
      // their wording); the evaluation above still ran for the shadow comparison.
      if (!ev.fromManifest) return null
      return { id: ev.verdict.rule_id ?? 'default_mode', mode: ev.verdict.mode, reason: ev.verdict.reason }
    },
    info(base) {
      const active = manifests.get('active')?.manifest
      const shadow = manifests.get('shadow')?.manifest
      // enforcement_enabled stays as the base says: it is about the governor's modes, which (as
      // on BRAiN) are decided and logged, not enforced; budgets are enforced regardless of mode.
      return {
        ...base,
        active_manifest: active
          ? { name: active.name, version: active.version, description: active.description, rule_count: active.rules.length }
          : base.active_manifest,
        shadow_manifest: { enabled: shadow !== undefined, version: shadow?.version ?? null }
      }
    }
  })
  for (const f of GOVERNANCE_FEATURES) s.features.add(f)
  s.metricSources.push(governanceMetrics(s.store, reflex))
  enforcer.rearm()

  const gov: Governance = {
    rt,
    manifests,
    budgets,
    giveUps,
    reflex,
    signals,
    enforcer,
    close() {
      enforcer.close()
      reflex.close()
    }
  }
  byServices.set(s, gov)
  return gov
}

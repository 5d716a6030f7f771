import type { Extend } from '../extensions'
import type { EngineServices } from '../services'
import { BudgetService } from './budget/budget-service'
import { GiveUps } from './budget/give-up'
import { systemClock, type Clock } from '../clock'
import { Enforcer } from './enforcer'
import { ManifestService } from './manifest/manifest-service'
import { governanceMetrics } from './metrics'
import { ReflexService, type ReflexOptions } from './reflex/reflex-service'
import { createRuntime, type GovRuntime } from './runtime'
import { SignalService, type SignalOptions } from './signals/signal-service'
import type { PromText } from '../metrics/prometheus'

export { GOVERNANCE_MIGRATIONS } from './migration'

/** Feature names governance lists in GET /capabilities (part of the shared ENGINE_FEATURES). */
export { GOVERNANCE_FEATURES } from '../../shared/neurorail'

/** Tuning of {@link createGovernance} (all optional). */
export interface GovernanceOptions {
  reflex: Partial<ReflexOptions>
  signals: Partial<SignalOptions>
}

/** What governance is built over: the engine's services, its one way to plug in, time and log. */
export interface GovernanceDeps {
  services: EngineServices
  extend: Extend
  clock?: Clock
  /** Where internal failures are logged (the engine's log sink). */
  log: (entry: Record<string, unknown>) => void
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
  /** API §8's enforcement and reflex families for /metrics. */
  metrics: (p: PromText) => void
  /** Unplugs governance and stops every timer (deadlines, cooldowns). The store may close after. */
  close(): void
}

/**
 * Builds governance and plugs it into the engine through its extension points: job creation
 * (budget validation), every lifecycle transition (guard + follow-up), telemetry reports (cost
 * enforcement), lifecycle stats and the governor (manifest policy); restores breakers, cooldowns
 * and attempt deadlines from the store. Its tables must be migrated first (the engine's module
 * attach does it: GOVERNANCE_MIGRATIONS).
 */
export function createGovernance(
  deps: GovernanceDeps,
  options: Partial<GovernanceOptions> = {}
): Governance {
  const s = deps.services
  const rt = createRuntime(s, deps.clock ?? systemClock, deps.log)
  const manifests = new ManifestService(rt)
  const budgets = new BudgetService(rt, manifests)
  const reflex = new ReflexService(rt, options.reflex)
  const signals = new SignalService(rt, options.signals)
  const giveUps = new GiveUps(rt)
  const enforcer = new Enforcer(rt, budgets, reflex, signals, giveUps)
  const unplug = [
    deps.extend('lifecycleStats', (stats) => {
      stats.jobs_given_up = giveUps.countsByState()
    }),
    deps.extend('jobCreated', (job, missionId) => {
      budgets.validateMetadataBudget(job.metadata)
      budgets.ensure({
        job_id: job.job_id,
        job_type: job.job_type,
        plan_id: job.plan_id,
        mission_id: missionId,
        metadata: job.metadata
      })
    }),
    deps.extend('transitionGuard', (ctx) => enforcer.guard(ctx)),
    deps.extend('transitionCommitted', (e, chain) => enforcer.onTransition(e, chain.job_id)),
    deps.extend('telemetryReported', (req) => enforcer.onReport(req))
  ]
  budgets.onViolation((_v, scope) =>
    rt.run('violation trigger', () => reflex.recordViolation(scope.job))
  )
  reflex.cancelJob = (jobId, reason, actor) => {
    s.lifecycle.transition('job', jobId, 'cancel', { reason, cancelled_by: 'reflex' }, actor)
  }
  const policy = deps.extend('governorPolicy', {
    decide(req, decisionId) {
      const ev = manifests.evaluate({ job_type: req.job_type, context: req.context }, 'decide', {
        decision_id: decisionId,
        ...(req.job_id ? { job_id: req.job_id } : {})
      })
      // Without an installed manifest the engine's own built-in rules decide (same outcome,
      // their wording); the evaluation above still ran for the shadow comparison.
      if (!ev.fromManifest) return null
      return {
        id: ev.verdict.rule_id ?? 'default_mode',
        mode: ev.verdict.mode,
        reason: ev.verdict.reason
      }
    },
    info(base) {
      const active = manifests.get('active')?.manifest
      const shadow = manifests.get('shadow')?.manifest
      // enforcement_enabled stays as the base says: it is about the governor's modes, which (as
      // on BRAiN) are decided and logged, not enforced; budgets are enforced regardless of mode.
      return {
        ...base,
        active_manifest: active
          ? {
              name: active.name,
              version: active.version,
              description: active.description,
              rule_count: active.rules.length
            }
          : base.active_manifest,
        shadow_manifest: { enabled: shadow !== undefined, version: shadow?.version ?? null }
      }
    }
  })
  unplug.push(policy)
  enforcer.rearm()

  return {
    rt,
    manifests,
    budgets,
    giveUps,
    reflex,
    signals,
    enforcer,
    metrics: governanceMetrics(s.store, reflex),
    close() {
      for (const off of unplug) off()
      enforcer.close()
      reflex.close()
    }
  }
}
